using Phoenix.Node.Mempool;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;

namespace Phoenix.Devnet.Chain;

/// <summary>
/// The devnet's validators as <see cref="DevnetRunner"/> drives them, whichever backend runs them: the virtual-clock
/// <see cref="DevnetChain"/> (in-process simulated network, reproducible, fast) or the real-time
/// <see cref="LiveDevnetChain"/> (real <c>PhoenixNode</c>s on loopback gRPC).
/// </summary>
/// <remarks>
/// Only the runner's loop calls <see cref="NextBlocksAsync"/> and <see cref="Submit"/>; <see cref="Read{T}"/> is safe from
/// the agents, which run concurrently. State is read only through <see cref="Read{T}"/>, because a live node commits
/// blocks on its own thread and its application must be read under the node's application lock.
/// </remarks>
public interface IDevnetChain : IAsyncDisposable
{
    /// <summary>The genesis every validator started from.</summary>
    Genesis Genesis { get; }

    /// <summary>The last committed height on validator 0.</summary>
    long Height { get; }

    /// <summary>Whether blocks come on the wall clock (live) rather than a virtual clock.</summary>
    bool RealTime { get; }

    /// <summary>Each validator's gRPC endpoint (public API, blobs, peer streams); empty when the validators expose none.</summary>
    IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>The data directory of each validator.</summary>
    IReadOnlyList<string> DataDirectories { get; }

    /// <summary>
    /// Waits for validator 0 to commit at least one block after the last call and returns every block committed
    /// since, in height order (the virtual backend returns exactly one).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One or more committed blocks.</returns>
    /// <exception cref="InvalidOperationException">No block was committed in a long time (the network stalled).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<IReadOnlyList<CommittedBlock>> NextBlocksAsync(CancellationToken cancellationToken);

    /// <summary>Hands a signed transaction to the validators' mempools (each runs CheckTx).</summary>
    /// <param name="tx">The signed transaction.</param>
    /// <returns>Validator 0's admission verdict.</returns>
    MempoolAdmission Submit(byte[] tx);

    /// <summary>Reads validator 0's application (committed state, parameters, invariants) consistently.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="read">Reads; must not keep references to the state.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    T Read<T>(Func<PhoenixApplication, T> read);

    /// <summary>Waits until every validator has reached validator 0's height, then compares their app hashes there.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The distinct app hashes at that height (one entry when all validators agree).</returns>
    Task<IReadOnlyList<string>> AppHashesAtCommonHeightAsync(CancellationToken cancellationToken);
}
