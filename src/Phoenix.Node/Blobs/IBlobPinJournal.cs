using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

/// <summary>
/// Durable record of who pins which blobs, kept by a blob store so that <see cref="BlobPinTracker"/> restores its pins
/// after a restart. <see cref="KeyValueBlobStore"/> implements it.
/// </summary>
/// <remarks>Implementations are thread-safe; a save is durable when it returns.</remarks>
public interface IBlobPinJournal
{
    /// <summary>Reads every owner and the blobs it pins.</summary>
    /// <returns>The owners (empty when none).</returns>
    IReadOnlyDictionary<string, IReadOnlyList<Hash32>> LoadPinOwners();

    /// <summary>Records the blobs an owner pins, replacing what it pinned before; an empty set removes the owner.</summary>
    /// <param name="owner">The owner.</param>
    /// <param name="ids">The blobs it pins now.</param>
    void SavePinOwner(string owner, IReadOnlyCollection<Hash32> ids);
}
