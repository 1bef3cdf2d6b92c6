namespace Phoenix.Protocol.Application;

/// <summary>
/// Local (non-consensus) state-sync snapshot settings of a <see cref="PhoenixApplication"/>
/// (<see cref="PhoenixApplicationBuilder.UseSnapshots"/>). Snapshots are taken at <see cref="PhoenixApplication.Commit"/>
/// and kept durably in the application's key-value store, outside the authenticated state.
/// </summary>
public sealed class SnapshotOptions
{
    /// <summary>Take a snapshot at every height that is a multiple of this; 0 turns snapshots off.</summary>
    /// <value>The default value is 0 (off).</value>
    public long Interval { get; set; }

    /// <summary>How many of the most recent snapshots are kept (older ones are deleted).</summary>
    /// <value>The default value is 2.</value>
    public int KeepRecent { get; set; } = 2;

    /// <summary>Target chunk size in bytes (an entry larger than this gets a chunk of its own).</summary>
    /// <value>The default value is 4 MiB (CometBFT accepts chunks up to 16 MiB).</value>
    public int ChunkBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Interval, nameof(Interval));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepRecent, 1, nameof(KeepRecent));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkBytes, 64, nameof(ChunkBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChunkBytes, 16 * 1024 * 1024, nameof(ChunkBytes));
    }
}
