namespace Phoenix.Node.Storage;

/// <summary>Settings of one RocksDB-backed store.</summary>
public sealed class RocksDbStoreOptions
{
    /// <summary>Whether opening the store reads every entry and checks its checksum, so a damaged store refuses to start.</summary>
    /// <value>The default value is <see langword="true"/>. Opening then costs one sequential read of the store; turn it off for very large stores whose reads still verify every value.</value>
    public bool VerifyOnOpen { get; set; } = true;

    /// <summary>Whether RocksDB's paranoid checks are on (aggressive consistency checks of its own files).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ParanoidChecks { get; set; } = true;

    /// <summary>The kind of store written into its format record (for example <c>state</c> or <c>blocks</c>); opening a store of another kind fails.</summary>
    /// <value>The default value is <c>state</c>.</value>
    public string Kind { get; set; } = "state";
}
