using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Internal;
using Phoenix.Node.Mempool;

namespace Phoenix.Node;

/// <summary>
/// The node's local configuration (section <c>Phoenix:Node</c> of <c>appsettings.json</c>), documented in
/// <c>docs/node-operations.md</c>. Validated at start: a bad file fails with every error listed.
/// </summary>
/// <remarks>These are local settings. Consensus parameters (fees, windows, caps) live in genesis and change only by governance.</remarks>
public sealed class PhoenixNodeOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Phoenix:Node";

    /// <summary>A human-readable name for this node, shown in status and logs.</summary>
    /// <value>The default value is <c>phoenix-node</c>.</value>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string Moniker { get; set; } = "phoenix-node";

    /// <summary>The node's home directory; the relative paths below resolve against it.</summary>
    /// <value>The default value is <c>.</c> (the working directory).</value>
    [Required]
    public string HomeDirectory { get; set; } = ".";

    /// <summary>The directory holding the node's stores (<c>blocks/</c>, <c>state/</c>, <c>txindex/</c>), the consensus WAL and the signer's last-sign state.</summary>
    /// <value>The default value is <c>data</c> (relative to <see cref="HomeDirectory"/>).</value>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The chain's genesis document (JSON, as written by <c>GenesisBuilder</c>).</summary>
    /// <value>The default value is <c>genesis.json</c> (relative to <see cref="HomeDirectory"/>).</value>
    [Required]
    public string GenesisFile { get; set; } = "genesis.json";

    /// <summary>This validator's consensus key file; empty for a node that does not sign.</summary>
    /// <value>The default value is <c>priv_validator_key.json</c> (relative to <see cref="HomeDirectory"/>).</value>
    public string PrivValidatorKeyFile { get; set; } = "priv_validator_key.json";

    /// <summary>The URL the node's gRPC endpoints (public API, blob service, peer streams) listen on.</summary>
    /// <value>The default value is <c>http://127.0.0.1:26657</c> (loopback only; open it deliberately).</value>
    [Required]
    [AbsoluteHttpUrls]
    public string ListenUrl { get; set; } = "http://127.0.0.1:26657";

    /// <summary>Other validators' URLs to connect to (peer list), such as <c>http://10.0.0.2:26657</c>; also where missing blobs are fetched from.</summary>
    /// <value>The default value is an empty list.</value>
    [AbsoluteHttpUrls]
    [MaxLength(1000)]
    public List<string> Peers { get; set; } = [];

    /// <summary>Consensus settings: round timeouts, validator peers, block limits.</summary>
    [ValidateObjectMembers]
    public NodeConsensusOptions Consensus { get; set; } = new();

    /// <summary>Storage settings.</summary>
    public NodeStorageOptions Storage { get; set; } = new();

    /// <summary>Mempool limits.</summary>
    [ValidateObjectMembers]
    public MempoolOptions Mempool { get; set; } = new();

    /// <summary>Public API settings.</summary>
    [ValidateObjectMembers]
    public NodeApiOptions Api { get; set; } = new();

    /// <summary>Blob service settings.</summary>
    [ValidateObjectMembers]
    public BlobServiceOptions Blobs { get; set; } = new();

    /// <summary>Health check thresholds.</summary>
    [ValidateObjectMembers]
    public NodeHealthOptions Health { get; set; } = new();
}

/// <summary>Consensus settings (section <c>Phoenix:Node:Consensus</c>).</summary>
public sealed class NodeConsensusOptions
{
    /// <summary>Round timeouts; the defaults give about one block per second on loopback.</summary>
    [ValidateObjectMembers]
    public ConsensusTimeoutOptions Timeouts { get; set; } = new();

    /// <summary>
    /// The validators to connect to: node id (lowercase hex of the validator address) to gRPC URL, such as
    /// <c>"3f1c…": "http://10.0.0.2:26657"</c>.
    /// </summary>
    /// <value>The default value is an empty map.</value>
    public Dictionary<string, string> Peers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Most transactions a proposer puts in one block (besides the block byte limit from genesis).</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000)]
    public int MaxBlockTxs { get; set; } = 10_000;
}

/// <summary>Storage settings (section <c>Phoenix:Node:Storage</c>).</summary>
public sealed class NodeStorageOptions
{
    /// <summary>Whether stores are kept in memory only (tests and throw-away devnets; everything is lost on exit).</summary>
    /// <value>The default value is <see langword="false"/> (RocksDB under <see cref="PhoenixNodeOptions.DataDirectory"/>).</value>
    public bool InMemory { get; set; }

    /// <summary>Whether opening a store reads every entry and checks its checksum (the node refuses to start on damage).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool VerifyOnOpen { get; set; } = true;
}

/// <summary>Validates <see cref="PhoenixNodeOptions"/> and every nested section (source-generated).</summary>
[OptionsValidator]
public sealed partial class PhoenixNodeOptionsValidator : IValidateOptions<PhoenixNodeOptions>
{
}
