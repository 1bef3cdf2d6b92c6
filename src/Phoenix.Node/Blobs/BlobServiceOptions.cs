using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Phoenix.Node.Blobs;

/// <summary>Settings of the blob service (node configuration section <c>Phoenix:Node:Blobs</c>).</summary>
public sealed class BlobServiceOptions
{
    /// <summary>Largest blob accepted by upload or fetched from a peer.</summary>
    /// <value>The default value is 256 MiB (268435456).</value>
    [Range(typeof(long), "1", "17179869184")]
    public long MaxBlobBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size of the chunks a download sends (kept below gRPC's default 4 MiB message limit).</summary>
    /// <value>The default value is 256 KiB (262144).</value>
    [Range(1024, 4 * 1024 * 1024 - 1024)]
    public int ChunkBytes { get; set; } = 256 * 1024;

    /// <summary>Whether a download of a blob this node lacks fetches it from peers first.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FetchFromPeers { get; set; } = true;
}

/// <summary>Validates <see cref="BlobServiceOptions"/> (source-generated).</summary>
[OptionsValidator]
public sealed partial class BlobServiceOptionsValidator : IValidateOptions<BlobServiceOptions>
{
}
