using Phoenix.Protocol.Transactions;

namespace Phoenix.Protocol.Application;

/// <summary>
/// Verifies the signatures of a block's transactions ahead of the deterministic apply. Phoenix.Protocol
/// has no threads, so it ships the sequential verifier; a host (Phoenix.Node) may supply one that
/// spreads the work over cores. The outcome is a pure function of the transactions, so parallelism
/// cannot change results.
/// </summary>
public interface ISignatureBatchVerifier
{
    /// <summary>Verifies every transaction's signature.</summary>
    /// <param name="transactions">The decoded transactions.</param>
    /// <param name="results">One slot per transaction: whether its signature is valid.</param>
    void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results);
}

/// <summary>Verifies signatures one after another on the calling thread.</summary>
public sealed class SequentialSignatureVerifier : ISignatureBatchVerifier
{
    /// <summary>The shared instance.</summary>
    public static SequentialSignatureVerifier Instance { get; } = new();

    /// <inheritdoc />
    public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        for (var i = 0; i < transactions.Count; i++)
        {
            results[i] = transactions[i].VerifySignature();
        }
    }
}
