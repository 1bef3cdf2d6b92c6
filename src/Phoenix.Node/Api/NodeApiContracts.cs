using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Api;

/// <summary>The node's current chain position and sync state, as reported by its consensus engine.</summary>
/// <remarks>Implementations are thread-safe and cheap (the API calls it per request).</remarks>
public interface INodeStatus
{
    /// <summary>Reads the current status.</summary>
    /// <returns>A consistent snapshot.</returns>
    NodeStatus GetStatus();
}

/// <summary>A snapshot of the node's state.</summary>
/// <param name="ChainId">The chain id.</param>
/// <param name="Moniker">The node's human-readable name.</param>
/// <param name="Version">The node software version.</param>
/// <param name="EarliestHeight">The lowest height whose block is still held.</param>
/// <param name="LatestHeight">The last committed height (0 before genesis).</param>
/// <param name="LatestBlockHash">The last committed block's hash.</param>
/// <param name="LatestAppHash">The app hash after the last committed block.</param>
/// <param name="LatestBlockTime">The last committed block's BFT time.</param>
/// <param name="CatchingUp">Whether the node is syncing blocks from peers.</param>
/// <param name="Peers">Connected peers.</param>
/// <param name="ValidatorAddress">This node's validator address (empty when not a validator).</param>
/// <param name="VotingPower">This node's voting power (0 when not in the set).</param>
public sealed record NodeStatus(
    string ChainId,
    string Moniker,
    string Version,
    long EarliestHeight,
    long LatestHeight,
    Hash32 LatestBlockHash,
    ReadOnlyMemory<byte> LatestAppHash,
    Timestamp LatestBlockTime,
    bool CatchingUp,
    int Peers,
    ReadOnlyMemory<byte> ValidatorAddress,
    long VotingPower);

/// <summary>Reads committed blocks in the API's shape.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IBlockReader
{
    /// <summary>The last committed height (0 when none).</summary>
    long LatestHeight { get; }

    /// <summary>Reads a block.</summary>
    /// <param name="height">The height.</param>
    /// <returns>The block, or <see langword="null"/> when not held (pruned or in the future).</returns>
    ApiBlock? GetBlock(long height);
}

/// <summary>A committed block as the API shows it.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The header hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="ProposerAddress">The proposer's address.</param>
/// <param name="AppHash">The app hash in the header (state after the previous block).</param>
/// <param name="LastBlockHash">The previous block's hash.</param>
/// <param name="Txs">The transactions in order.</param>
/// <param name="Raw">The engine's encoding of the whole block (for light-client checks), or empty.</param>
public sealed record ApiBlock(
    long Height,
    Hash32 Hash,
    Timestamp Time,
    ReadOnlyMemory<byte> ProposerAddress,
    ReadOnlyMemory<byte> AppHash,
    Hash32 LastBlockHash,
    IReadOnlyList<ReadOnlyMemory<byte>> Txs,
    ReadOnlyMemory<byte> Raw);

/// <summary>Looks up committed transactions by hash.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ITxIndex
{
    /// <summary>Reads a committed transaction.</summary>
    /// <param name="hash">SHA-256 of its bytes.</param>
    /// <returns>The transaction and its result, or <see langword="null"/> when unknown.</returns>
    IndexedTx? GetTx(Hash32 hash);
}

/// <summary>A committed transaction with its place and result.</summary>
/// <param name="Hash">SHA-256 of the bytes.</param>
/// <param name="Height">The block height.</param>
/// <param name="Index">The position in the block.</param>
/// <param name="Tx">The bytes.</param>
/// <param name="Result">The execution result.</param>
public sealed record IndexedTx(Hash32 Hash, long Height, int Index, ReadOnlyMemory<byte> Tx, ExecTxResult Result);

/// <summary>Reads application state for the API (ABCI <c>Query</c> semantics: path, data, height, prove).</summary>
public interface IStateQuery
{
    /// <summary>Runs a query.</summary>
    /// <param name="request">The query.</param>
    /// <returns>The application's answer; a non-zero code is an answer, not an error.</returns>
    QueryResponse Query(QueryRequest request);
}

/// <summary>An <see cref="IStateQuery"/> that calls <see cref="IAbciApplication.Query"/>, serialized by a lock shared with the consensus engine when given.</summary>
/// <param name="app">The application.</param>
/// <param name="gate">The lock guarding the application, or <see langword="null"/> when the application allows concurrent queries.</param>
public sealed class AbciStateQuery(IAbciApplication app, Lock? gate = null) : IStateQuery
{
    private readonly IAbciApplication _app = app ?? throw new ArgumentNullException(nameof(app));

    /// <inheritdoc />
    public QueryResponse Query(QueryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (gate is null)
        {
            return _app.Query(request);
        }

        lock (gate)
        {
            return _app.Query(request);
        }
    }
}
