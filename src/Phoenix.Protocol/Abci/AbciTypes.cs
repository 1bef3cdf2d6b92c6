using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Abci;

// Domain shapes of the ABCI 2.0 messages (field meaning follows CometBFT v0.38; see
// shared/reference/abci-and-tendermint.md §1). The CometBFT front end maps its wire DTOs to these.

/// <summary><c>Info</c> request: the caller's software versions.</summary>
/// <param name="Version">The consensus engine's software version.</param>
/// <param name="BlockVersion">Block protocol version.</param>
/// <param name="P2PVersion">P2P protocol version.</param>
/// <param name="AbciVersion">ABCI semantic version.</param>
public sealed record InfoRequest(string Version = "", ulong BlockVersion = 0, ulong P2PVersion = 0, string AbciVersion = "");

/// <summary><c>Info</c> response.</summary>
/// <param name="Data">Free-form application information.</param>
/// <param name="Version">Application software version.</param>
/// <param name="AppVersion">Application protocol version (goes into every header).</param>
/// <param name="LastBlockHeight">The last committed height (0 before the first block).</param>
/// <param name="LastBlockAppHash">The app hash persisted at that height.</param>
public sealed record InfoResponse(string Data, string Version, ulong AppVersion, long LastBlockHeight, ReadOnlyMemory<byte> LastBlockAppHash);

/// <summary>A validator set change: power zero removes the validator.</summary>
/// <param name="PublicKey">The validator's 32-byte Ed25519 consensus key.</param>
/// <param name="Power">The new voting power (0 removes).</param>
public sealed record ValidatorUpdate(ReadOnlyMemory<byte> PublicKey, long Power);

/// <summary>Block size limits.</summary>
/// <param name="MaxBytes">Maximum block size in bytes (-1: the 100 MiB hard cap).</param>
/// <param name="MaxGas">Maximum gas per block (-1: unlimited).</param>
public sealed record BlockParams(long MaxBytes, long MaxGas);

/// <summary>Evidence limits.</summary>
/// <param name="MaxAgeNumBlocks">Maximum evidence age in blocks.</param>
/// <param name="MaxAgeDuration">Maximum evidence age in time.</param>
/// <param name="MaxBytes">Maximum evidence bytes per block.</param>
public sealed record EvidenceParams(long MaxAgeNumBlocks, TimeSpan MaxAgeDuration, long MaxBytes);

/// <summary>Allowed validator key types.</summary>
/// <param name="PubKeyTypes">Key type names, such as <c>ed25519</c>.</param>
public sealed record ValidatorParams(IReadOnlyList<string> PubKeyTypes);

/// <summary>Version parameters.</summary>
/// <param name="App">Application protocol version.</param>
public sealed record VersionParams(ulong App);

/// <summary>ABCI feature parameters.</summary>
/// <param name="VoteExtensionsEnableHeight">First height with vote extensions (0: disabled).</param>
public sealed record AbciParams(long VoteExtensionsEnableHeight);

/// <summary>Consensus parameters. A null part means "no change" in an update.</summary>
/// <param name="Block">Block limits.</param>
/// <param name="Evidence">Evidence limits.</param>
/// <param name="Validator">Validator key types.</param>
/// <param name="Version">Versions.</param>
/// <param name="Abci">ABCI features.</param>
public sealed record ConsensusParams(
    BlockParams? Block = null,
    EvidenceParams? Evidence = null,
    ValidatorParams? Validator = null,
    VersionParams? Version = null,
    AbciParams? Abci = null);

/// <summary><c>InitChain</c> request.</summary>
/// <param name="Time">Genesis time.</param>
/// <param name="ChainId">The chain id.</param>
/// <param name="ConsensusParams">Initial consensus parameters.</param>
/// <param name="Validators">Initial validators from the engine's genesis (may be empty: the app decides).</param>
/// <param name="AppStateBytes">The application's genesis document (Phoenix: genesis JSON, UTF-8).</param>
/// <param name="InitialHeight">The first block height.</param>
public sealed record InitChainRequest(
    Timestamp Time,
    string ChainId,
    ConsensusParams? ConsensusParams,
    IReadOnlyList<ValidatorUpdate> Validators,
    ReadOnlyMemory<byte> AppStateBytes,
    long InitialHeight);

/// <summary><c>InitChain</c> response.</summary>
/// <param name="ConsensusParams">Overridden parameters, or null.</param>
/// <param name="Validators">The initial validator set (replaces the request's when non-empty).</param>
/// <param name="AppHash">The genesis app hash.</param>
public sealed record InitChainResponse(ConsensusParams? ConsensusParams, IReadOnlyList<ValidatorUpdate> Validators, ReadOnlyMemory<byte> AppHash);

/// <summary>Whether a <c>CheckTx</c> is for a new transaction or a re-check after a block.</summary>
public enum CheckTxKind
{
    /// <summary>A transaction seen for the first time.</summary>
    New = 0,

    /// <summary>A mempool transaction re-checked after a commit.</summary>
    Recheck = 1,
}

/// <summary><c>CheckTx</c> request.</summary>
/// <param name="Tx">The raw transaction bytes as received.</param>
/// <param name="Kind">New or re-check.</param>
public sealed record CheckTxRequest(ReadOnlyMemory<byte> Tx, CheckTxKind Kind = CheckTxKind.New);

/// <summary>A key-value attribute of an event.</summary>
/// <param name="Key">Attribute key.</param>
/// <param name="Value">Attribute value.</param>
/// <param name="Index">Whether indexers should index it.</param>
public sealed record EventAttribute(string Key, string Value, bool Index = true);

/// <summary>An event emitted by block or transaction execution (not hashed into consensus).</summary>
/// <param name="Type">Event type, such as <c>transfer</c> or <c>task.unit_finalized</c>.</param>
/// <param name="Attributes">Attributes in emission order.</param>
public sealed record AbciEvent(string Type, IReadOnlyList<EventAttribute> Attributes);

/// <summary><c>CheckTx</c> response.</summary>
/// <param name="Code">0 when admitted.</param>
/// <param name="Data">Result data.</param>
/// <param name="Log">Human-readable reason.</param>
/// <param name="Info">Additional information.</param>
/// <param name="GasWanted">Gas the transaction asks for.</param>
/// <param name="GasUsed">Gas used by the check.</param>
/// <param name="Events">Events of the check.</param>
/// <param name="Codespace">The module that produced <paramref name="Code"/>.</param>
public sealed record CheckTxResponse(
    uint Code,
    ReadOnlyMemory<byte> Data,
    string Log,
    string Info,
    long GasWanted,
    long GasUsed,
    IReadOnlyList<AbciEvent> Events,
    string Codespace)
{
    /// <summary>Whether the transaction was admitted.</summary>
    public bool IsOk => Code == 0;

    /// <summary>The signer's account address (20 bytes) when the transaction decoded; used by the mempool to order by sender.</summary>
    public ReadOnlyMemory<byte> Sender { get; init; }

    /// <summary>The transaction's sequence number when it decoded.</summary>
    public ulong Sequence { get; init; }

    /// <summary>Mempool priority (higher first), for example the fee per byte.</summary>
    public long Priority { get; init; }
}

/// <summary>The result of executing one transaction in a block.</summary>
/// <param name="Code">0 on success.</param>
/// <param name="Data">Result data (deterministic).</param>
/// <param name="Log">Human-readable log (not deterministic).</param>
/// <param name="Info">Additional information (not deterministic).</param>
/// <param name="GasWanted">Gas asked for (deterministic).</param>
/// <param name="GasUsed">Gas used (deterministic).</param>
/// <param name="Events">Events (not hashed).</param>
/// <param name="Codespace">The module that produced <paramref name="Code"/>.</param>
public sealed record ExecTxResult(
    uint Code,
    ReadOnlyMemory<byte> Data,
    string Log,
    string Info,
    long GasWanted,
    long GasUsed,
    IReadOnlyList<AbciEvent> Events,
    string Codespace)
{
    /// <summary>Whether the transaction's messages succeeded.</summary>
    public bool IsOk => Code == 0;
}

/// <summary>A validator as seen in commit information: address and power.</summary>
/// <param name="Address">The 20-byte consensus address (first 20 bytes of SHA-256 of the key).</param>
/// <param name="Power">Voting power.</param>
public sealed record AbciValidator(ReadOnlyMemory<byte> Address, long Power);

/// <summary>How a validator took part in a commit.</summary>
public enum BlockIdFlag
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>No vote received.</summary>
    Absent = 1,

    /// <summary>Voted for the block.</summary>
    Commit = 2,

    /// <summary>Voted nil.</summary>
    Nil = 3,
}

/// <summary>One validator's participation in the last commit.</summary>
/// <param name="Validator">The validator.</param>
/// <param name="Flag">How it voted.</param>
public sealed record VoteInfo(AbciValidator Validator, BlockIdFlag Flag);

/// <summary>The last block's commit, as the application sees it.</summary>
/// <param name="Round">The commit round.</param>
/// <param name="Votes">One entry per validator of the last set.</param>
public sealed record CommitInfo(int Round, IReadOnlyList<VoteInfo> Votes)
{
    /// <summary>An empty commit (first block).</summary>
    public static CommitInfo Empty { get; } = new(0, []);
}

/// <summary>One validator's participation in the last commit, with its vote extension.</summary>
/// <param name="Validator">The validator.</param>
/// <param name="VoteExtension">The extension it attached.</param>
/// <param name="ExtensionSignature">Its signature over the canonical extension.</param>
/// <param name="Flag">How it voted.</param>
public sealed record ExtendedVoteInfo(AbciValidator Validator, ReadOnlyMemory<byte> VoteExtension, ReadOnlyMemory<byte> ExtensionSignature, BlockIdFlag Flag);

/// <summary>The last commit with vote extensions (given to the proposer).</summary>
/// <param name="Round">The commit round.</param>
/// <param name="Votes">One entry per validator of the last set.</param>
public sealed record ExtendedCommitInfo(int Round, IReadOnlyList<ExtendedVoteInfo> Votes)
{
    /// <summary>An empty commit (first block).</summary>
    public static ExtendedCommitInfo Empty { get; } = new(0, []);
}

/// <summary>Kinds of misbehaviour.</summary>
public enum MisbehaviorType
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>Two conflicting votes for one height and round (double signing).</summary>
    DuplicateVote = 1,

    /// <summary>A light-client attack.</summary>
    LightClientAttack = 2,
}

/// <summary>Verified evidence of misbehaviour handed to the application, which slashes.</summary>
/// <param name="Type">The kind.</param>
/// <param name="Validator">The offender and its power at the time.</param>
/// <param name="Height">Height of the offence.</param>
/// <param name="Time">Block time of the offence height.</param>
/// <param name="TotalVotingPower">Total voting power at that height.</param>
public sealed record Misbehavior(MisbehaviorType Type, AbciValidator Validator, long Height, Timestamp Time, long TotalVotingPower);

/// <summary><c>PrepareProposal</c> request.</summary>
/// <param name="MaxTxBytes">Byte budget for the transactions (protobuf <c>Data</c> size).</param>
/// <param name="Txs">Candidate transactions from the mempool, in mempool order.</param>
/// <param name="LocalLastCommit">The last commit with vote extensions.</param>
/// <param name="Misbehavior">Evidence to include.</param>
/// <param name="Height">The height being proposed.</param>
/// <param name="Time">The proposed block time.</param>
/// <param name="NextValidatorsHash">Hash of the next validator set.</param>
/// <param name="ProposerAddress">The proposer's 20-byte address.</param>
public sealed record PrepareProposalRequest(
    long MaxTxBytes,
    IReadOnlyList<ReadOnlyMemory<byte>> Txs,
    ExtendedCommitInfo LocalLastCommit,
    IReadOnlyList<Misbehavior> Misbehavior,
    long Height,
    Timestamp Time,
    ReadOnlyMemory<byte> NextValidatorsHash,
    ReadOnlyMemory<byte> ProposerAddress);

/// <summary><c>PrepareProposal</c> response.</summary>
/// <param name="Txs">The transactions to propose.</param>
public sealed record PrepareProposalResponse(IReadOnlyList<ReadOnlyMemory<byte>> Txs);

/// <summary>Accept or reject a proposal.</summary>
public enum ProposalStatus
{
    /// <summary>Unknown (never returned).</summary>
    Unknown = 0,

    /// <summary>The block is valid.</summary>
    Accept = 1,

    /// <summary>The block is invalid.</summary>
    Reject = 2,
}

/// <summary><c>ProcessProposal</c> request.</summary>
/// <param name="Txs">The proposed transactions.</param>
/// <param name="ProposedLastCommit">The last commit in the proposal.</param>
/// <param name="Misbehavior">Evidence in the proposal.</param>
/// <param name="Hash">The proposed block's hash.</param>
/// <param name="Height">Its height.</param>
/// <param name="Time">Its time.</param>
/// <param name="NextValidatorsHash">Hash of the next validator set.</param>
/// <param name="ProposerAddress">The proposer's address.</param>
public sealed record ProcessProposalRequest(
    IReadOnlyList<ReadOnlyMemory<byte>> Txs,
    CommitInfo ProposedLastCommit,
    IReadOnlyList<Misbehavior> Misbehavior,
    ReadOnlyMemory<byte> Hash,
    long Height,
    Timestamp Time,
    ReadOnlyMemory<byte> NextValidatorsHash,
    ReadOnlyMemory<byte> ProposerAddress);

/// <summary><c>ProcessProposal</c> response.</summary>
/// <param name="Status">Accept or reject.</param>
public sealed record ProcessProposalResponse(ProposalStatus Status);

/// <summary><c>ExtendVote</c> request.</summary>
/// <param name="Hash">The block hash being precommitted.</param>
/// <param name="Height">Its height.</param>
/// <param name="Time">Its time.</param>
/// <param name="Txs">Its transactions.</param>
/// <param name="ProposedLastCommit">Its last commit.</param>
/// <param name="Misbehavior">Its evidence.</param>
/// <param name="NextValidatorsHash">Hash of the next validator set.</param>
/// <param name="ProposerAddress">The proposer's address.</param>
public sealed record ExtendVoteRequest(
    ReadOnlyMemory<byte> Hash,
    long Height,
    Timestamp Time,
    IReadOnlyList<ReadOnlyMemory<byte>> Txs,
    CommitInfo ProposedLastCommit,
    IReadOnlyList<Misbehavior> Misbehavior,
    ReadOnlyMemory<byte> NextValidatorsHash,
    ReadOnlyMemory<byte> ProposerAddress);

/// <summary><c>ExtendVote</c> response.</summary>
/// <param name="VoteExtension">The extension bytes.</param>
public sealed record ExtendVoteResponse(ReadOnlyMemory<byte> VoteExtension);

/// <summary>Accept or reject a vote extension.</summary>
public enum VerifyStatus
{
    /// <summary>Unknown (never returned).</summary>
    Unknown = 0,

    /// <summary>The extension is valid.</summary>
    Accept = 1,

    /// <summary>The extension is invalid (the whole precommit is rejected).</summary>
    Reject = 2,
}

/// <summary><c>VerifyVoteExtension</c> request.</summary>
/// <param name="Hash">The block hash voted for.</param>
/// <param name="ValidatorAddress">The extension's author.</param>
/// <param name="Height">The height.</param>
/// <param name="VoteExtension">The extension bytes.</param>
public sealed record VerifyVoteExtensionRequest(ReadOnlyMemory<byte> Hash, ReadOnlyMemory<byte> ValidatorAddress, long Height, ReadOnlyMemory<byte> VoteExtension);

/// <summary><c>VerifyVoteExtension</c> response.</summary>
/// <param name="Status">Accept or reject.</param>
public sealed record VerifyVoteExtensionResponse(VerifyStatus Status);

/// <summary><c>FinalizeBlock</c> request: a decided block.</summary>
/// <param name="Txs">The block's transactions, in order.</param>
/// <param name="DecidedLastCommit">Who signed the previous block.</param>
/// <param name="Misbehavior">Verified evidence of misbehaviour.</param>
/// <param name="Hash">The block hash.</param>
/// <param name="Height">The height.</param>
/// <param name="Time">The BFT block time.</param>
/// <param name="NextValidatorsHash">Hash of the next validator set.</param>
/// <param name="ProposerAddress">The proposer's address.</param>
public sealed record FinalizeBlockRequest(
    IReadOnlyList<ReadOnlyMemory<byte>> Txs,
    CommitInfo DecidedLastCommit,
    IReadOnlyList<Misbehavior> Misbehavior,
    ReadOnlyMemory<byte> Hash,
    long Height,
    Timestamp Time,
    ReadOnlyMemory<byte> NextValidatorsHash,
    ReadOnlyMemory<byte> ProposerAddress)
{
    /// <summary>While replaying or syncing, the target height; otherwise equal to <see cref="Height"/> (CometBFT v1.0).</summary>
    public long SyncingToHeight { get; init; }
}

/// <summary><c>FinalizeBlock</c> response.</summary>
/// <param name="Events">Block-level events.</param>
/// <param name="TxResults">Exactly one result per transaction, in block order.</param>
/// <param name="ValidatorUpdates">Validator set changes (take effect at height + 2).</param>
/// <param name="ConsensusParamUpdates">Parameter changes, or null.</param>
/// <param name="AppHash">The app hash after this block (goes into the next header).</param>
public sealed record FinalizeBlockResponse(
    IReadOnlyList<AbciEvent> Events,
    IReadOnlyList<ExecTxResult> TxResults,
    IReadOnlyList<ValidatorUpdate> ValidatorUpdates,
    ConsensusParams? ConsensusParamUpdates,
    ReadOnlyMemory<byte> AppHash);

/// <summary><c>Commit</c> response.</summary>
/// <param name="RetainHeight">Blocks below this height may be pruned (0 keeps all).</param>
public sealed record CommitResponse(long RetainHeight);

/// <summary><c>Query</c> request.</summary>
/// <param name="Data">Query data (for example a key).</param>
/// <param name="Path">Query path, such as <c>/store/bank/balance</c>.</param>
/// <param name="Height">Height to query (0: latest committed).</param>
/// <param name="Prove">Whether to return a proof.</param>
public sealed record QueryRequest(ReadOnlyMemory<byte> Data, string Path, long Height = 0, bool Prove = false);

/// <summary>One step of a proof.</summary>
/// <param name="Type">Proof type, such as <c>phx:smt</c>.</param>
/// <param name="Key">The key proven.</param>
/// <param name="Data">The encoded proof.</param>
public sealed record ProofOp(string Type, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Data);

/// <summary><c>Query</c> response.</summary>
/// <param name="Code">0 on success.</param>
/// <param name="Log">Human-readable log.</param>
/// <param name="Info">Additional information.</param>
/// <param name="Index">Index of the key in the tree, when meaningful.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value (empty when absent).</param>
/// <param name="ProofOps">The proof, when requested.</param>
/// <param name="Height">The height the answer is for.</param>
/// <param name="Codespace">The module that produced <paramref name="Code"/>.</param>
public sealed record QueryResponse(
    uint Code,
    string Log,
    string Info,
    long Index,
    ReadOnlyMemory<byte> Key,
    ReadOnlyMemory<byte> Value,
    IReadOnlyList<ProofOp> ProofOps,
    long Height,
    string Codespace);

/// <summary>A state snapshot descriptor.</summary>
/// <param name="Height">The height of the snapshot.</param>
/// <param name="Format">Application-defined format version.</param>
/// <param name="Chunks">Number of chunks.</param>
/// <param name="Hash">Hash of the snapshot contents.</param>
/// <param name="Metadata">Application-defined metadata.</param>
public sealed record Snapshot(ulong Height, uint Format, uint Chunks, ReadOnlyMemory<byte> Hash, ReadOnlyMemory<byte> Metadata);

/// <summary><c>ListSnapshots</c> response.</summary>
/// <param name="Snapshots">Available snapshots.</param>
public sealed record ListSnapshotsResponse(IReadOnlyList<Snapshot> Snapshots);

/// <summary><c>OfferSnapshot</c> request.</summary>
/// <param name="Snapshot">The offered snapshot.</param>
/// <param name="AppHash">The light-client verified app hash at that height.</param>
public sealed record OfferSnapshotRequest(Snapshot Snapshot, ReadOnlyMemory<byte> AppHash);

/// <summary>Result of offering a snapshot.</summary>
public enum OfferSnapshotResult
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>Accepted: chunks follow.</summary>
    Accept = 1,

    /// <summary>Abort state sync.</summary>
    Abort = 2,

    /// <summary>Reject this snapshot.</summary>
    Reject = 3,

    /// <summary>Reject every snapshot of this format.</summary>
    RejectFormat = 4,

    /// <summary>Reject every snapshot from this sender.</summary>
    RejectSender = 5,
}

/// <summary><c>OfferSnapshot</c> response.</summary>
/// <param name="Result">The decision.</param>
public sealed record OfferSnapshotResponse(OfferSnapshotResult Result);

/// <summary><c>LoadSnapshotChunk</c> request.</summary>
/// <param name="Height">Snapshot height.</param>
/// <param name="Format">Snapshot format.</param>
/// <param name="Chunk">Chunk index.</param>
public sealed record LoadSnapshotChunkRequest(ulong Height, uint Format, uint Chunk);

/// <summary><c>LoadSnapshotChunk</c> response.</summary>
/// <param name="Chunk">The chunk bytes.</param>
public sealed record LoadSnapshotChunkResponse(ReadOnlyMemory<byte> Chunk);

/// <summary><c>ApplySnapshotChunk</c> request.</summary>
/// <param name="Index">Chunk index.</param>
/// <param name="Chunk">Chunk bytes.</param>
/// <param name="Sender">The peer that sent it.</param>
public sealed record ApplySnapshotChunkRequest(uint Index, ReadOnlyMemory<byte> Chunk, string Sender);

/// <summary>Result of applying a snapshot chunk.</summary>
public enum ApplySnapshotChunkResult
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>Chunk applied.</summary>
    Accept = 1,

    /// <summary>Abort state sync.</summary>
    Abort = 2,

    /// <summary>Retry this chunk.</summary>
    Retry = 3,

    /// <summary>Retry the whole snapshot.</summary>
    RetrySnapshot = 4,

    /// <summary>Reject the snapshot.</summary>
    RejectSnapshot = 5,
}

/// <summary><c>ApplySnapshotChunk</c> response.</summary>
/// <param name="Result">The decision.</param>
/// <param name="RefetchChunks">Chunks to fetch again.</param>
/// <param name="RejectSenders">Peers to reject.</param>
public sealed record ApplySnapshotChunkResponse(ApplySnapshotChunkResult Result, IReadOnlyList<uint> RefetchChunks, IReadOnlyList<string> RejectSenders);
