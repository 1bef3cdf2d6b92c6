namespace Phoenix.Protocol.Abci;

/// <summary>
/// The application interface every consensus engine drives, shaped like ABCI 2.0 (DESIGN §2).
/// The embedded Tendermint engine and the CometBFT front end both call the application only
/// through this interface, so every protocol rule is written once.
/// </summary>
/// <remarks>
/// <para>
/// Calls are synchronous: the application is a deterministic state machine with no I/O of its own
/// beyond its key-value store. Callers serialize calls: no two methods run concurrently, except
/// that <see cref="Query"/>, <see cref="Info"/> and <see cref="CheckTx"/> may be serialized
/// separately by a caller that guards them with its own lock; implementations document what they allow.
/// </para>
/// <para>
/// Deterministic outputs (consensus-critical): the results of <see cref="InitChain"/>,
/// <see cref="ProcessProposal"/>, <see cref="VerifyVoteExtension"/> and <see cref="FinalizeBlock"/>
/// (app hash, per-transaction code, data and gas, validator and parameter updates).
/// <see cref="PrepareProposal"/> and <see cref="ExtendVote"/> may depend on local state.
/// </para>
/// <para>Expected failures are result codes, never exceptions. An exception means a bug or broken storage.</para>
/// </remarks>
public interface IAbciApplication
{
    /// <summary>Reports the last committed height and app hash (handshake and crash recovery).</summary>
    /// <param name="request">The caller's versions.</param>
    /// <returns>The application's state summary.</returns>
    InfoResponse Info(InfoRequest request);

    /// <summary>Initializes the chain from genesis. Called once, before the first block.</summary>
    /// <param name="request">Genesis time, chain id, initial validators and the app state document.</param>
    /// <returns>The (possibly replaced) validator set, parameters and the genesis app hash.</returns>
    InitChainResponse InitChain(InitChainRequest request);

    /// <summary>Mempool admission check against the check state. Never mutates committed state.</summary>
    /// <param name="request">The raw transaction and whether it is new or a re-check.</param>
    /// <returns>Code zero to admit; a non-zero code with a log otherwise.</returns>
    CheckTxResponse CheckTx(CheckTxRequest request);

    /// <summary>Builds the proposal's transaction list on the proposer (may reorder, drop or add).</summary>
    /// <param name="request">Candidate transactions from the mempool and the block context.</param>
    /// <returns>The transactions to propose, within <see cref="PrepareProposalRequest.MaxTxBytes"/>.</returns>
    PrepareProposalResponse PrepareProposal(PrepareProposalRequest request);

    /// <summary>Deterministically accepts or rejects a proposed block before prevoting for it.</summary>
    /// <param name="request">The proposed block.</param>
    /// <returns>Accept or reject.</returns>
    ProcessProposalResponse ProcessProposal(ProcessProposalRequest request);

    /// <summary>Produces this validator's vote extension (oracle price reports ride here).</summary>
    /// <param name="request">The block being precommitted.</param>
    /// <returns>Opaque extension bytes, possibly empty.</returns>
    ExtendVoteResponse ExtendVote(ExtendVoteRequest request);

    /// <summary>Deterministically checks another validator's vote extension.</summary>
    /// <param name="request">The extension and its author.</param>
    /// <returns>Accept or reject.</returns>
    VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request);

    /// <summary>Executes a decided block. Produces results and the new app hash but does not persist.</summary>
    /// <param name="request">The decided block.</param>
    /// <returns>One result per transaction, events, validator updates and the app hash.</returns>
    FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request);

    /// <summary>Persists the state produced by the preceding <see cref="FinalizeBlock"/>.</summary>
    /// <returns>The height below which blocks may be pruned (0 keeps all).</returns>
    CommitResponse Commit();

    /// <summary>Reads committed state, optionally with a proof against the app hash.</summary>
    /// <param name="request">Path, data, height and whether to prove.</param>
    /// <returns>The value, or a non-zero code.</returns>
    QueryResponse Query(QueryRequest request);

    /// <summary>Lists the state snapshots this application can serve.</summary>
    /// <returns>The snapshots, newest first.</returns>
    ListSnapshotsResponse ListSnapshots();

    /// <summary>Offers a snapshot for state sync on a fresh instance.</summary>
    /// <param name="request">The snapshot and the app hash it must reproduce (light-client verified).</param>
    /// <returns>Whether the application accepts it.</returns>
    OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request);

    /// <summary>Loads one chunk of a local snapshot for a peer.</summary>
    /// <param name="request">Height, format and chunk index.</param>
    /// <returns>The chunk bytes, empty when unknown.</returns>
    LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request);

    /// <summary>Applies one chunk of an accepted snapshot.</summary>
    /// <param name="request">The chunk.</param>
    /// <returns>Accept, retry or reject, with chunks to refetch.</returns>
    ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request);
}
