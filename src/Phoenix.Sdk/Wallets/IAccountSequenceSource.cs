namespace Phoenix.Sdk.Wallets;

/// <summary>Reads an account's next transaction sequence number from a node.</summary>
/// <remarks>
/// Implemented by the Phoenix client over the node's account query; tests use a fake. Implementations
/// should return the next sequence the node will admit, counting transactions already in its
/// mempool when the node offers that, and must be safe to call concurrently.
/// </remarks>
public interface IAccountSequenceSource
{
    /// <summary>Reads the next sequence number the node expects for an account.</summary>
    /// <param name="address">The 20-byte account address.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The next expected sequence (0 for an account that never sent a transaction).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ulong> GetSequenceAsync(ReadOnlyMemory<byte> address, CancellationToken cancellationToken = default);
}
