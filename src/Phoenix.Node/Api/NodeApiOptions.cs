using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Phoenix.Node.Api;

/// <summary>Settings of the public gRPC API (node configuration section <c>Phoenix:Node:Api</c>).</summary>
public sealed class NodeApiOptions
{
    /// <summary>How long a commit-mode broadcast waits for its transaction to be committed before answering DEADLINE_EXCEEDED.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BroadcastCommitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Blocks an event subscriber may fall behind before it is dropped (RESOURCE_EXHAUSTED).</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 100_000)]
    public int EventQueueCapacity { get; set; } = 256;

    /// <summary>Maximum number of filter entries (prefixes, attributes, hashes) in one subscription.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10_000)]
    public int MaxSubscriptionFilters { get; set; } = 64;
}

/// <summary>Validates <see cref="NodeApiOptions"/> (source-generated).</summary>
[OptionsValidator]
public sealed partial class NodeApiOptionsValidator : IValidateOptions<NodeApiOptions>
{
}
