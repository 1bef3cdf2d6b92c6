namespace Phoenix.Node.Storage;

/// <summary>
/// A store's files on disk are damaged or are not a Phoenix store: the node must not run on them.
/// </summary>
/// <remarks>
/// Not transient: retrying cannot help. The operator restores the directory from a backup or a
/// snapshot, or deletes it and syncs again from peers. <see cref="Path"/> names the store and
/// <see cref="Detail"/> says what was found (including the key or file, when known).
/// </remarks>
public sealed class StoreCorruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The store's directory.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="innerException">The storage engine's error, if any.</param>
    public StoreCorruptedException(string path, string detail, Exception? innerException = null)
        : base($"The store at '{path}' is corrupted: {detail}. The node refuses to run on damaged state; restore the directory from a backup or snapshot, or remove it and sync from peers.", innerException)
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>The store's directory.</summary>
    public string Path { get; }

    /// <summary>What was found.</summary>
    public string Detail { get; }
}
