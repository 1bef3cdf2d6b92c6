using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules.Oracle;

namespace Phoenix.Node.CometBft;

/// <summary>Settings of <see cref="CometBftValidatorHost"/>: where state lives, how CometBFT connects, snapshots and the price feed (all local, none consensus).</summary>
public sealed class CometBftHostOptions
{
    /// <summary>The data directory; the application state (RocksDB) is kept in its <c>state</c> subdirectory.</summary>
    /// <value>The default value is empty, which is invalid: a directory must be given.</value>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>The ABCI listener: address (<c>tcp://127.0.0.1:26658</c> or <c>unix:///path</c>), transport and CometBFT version.</summary>
    /// <value>The default value is <see cref="CometBftOptions"/>'s defaults (socket, v0.38, <c>tcp://127.0.0.1:26658</c>).</value>
    public CometBftOptions Abci { get; set; } = new();

    /// <summary>State-sync snapshots served to joining nodes.</summary>
    /// <value>The default value is a snapshot every 1,000 heights, the 2 most recent kept, 4 MiB chunks.</value>
    public SnapshotOptions Snapshots { get; set; } = new() { Interval = 1000 };

    /// <summary>This validator's PHNX/USD price source for oracle vote extensions, or <see langword="null"/> to extend votes without a price.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IPriceFeed? PriceFeed { get; set; }
}
