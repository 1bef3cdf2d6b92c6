using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client;

/// <summary>How long <see cref="PhoenixClient.BroadcastAsync"/> waits.</summary>
public enum BroadcastMode
{
    /// <summary>Return once the node's CheckTx admitted the transaction into its mempool.</summary>
    Sync,

    /// <summary>Return once the transaction is committed in a block (or the node's wait limit passes).</summary>
    Commit,
}

/// <summary>A node's chain position and sync state.</summary>
/// <param name="ChainId">The chain id.</param>
/// <param name="Moniker">The node's name.</param>
/// <param name="Version">The node software version.</param>
/// <param name="LatestHeight">The last committed height.</param>
/// <param name="LatestBlockHash">The last committed block's hash (zero when none).</param>
/// <param name="LatestAppHash">The app hash after the last committed block (as the node reports it: not verified).</param>
/// <param name="LatestBlockTime">The last block's BFT time.</param>
/// <param name="CatchingUp">Whether the node is still syncing.</param>
/// <param name="MempoolSize">Transactions waiting in the node's mempool.</param>
public sealed record ChainStatus(
    string ChainId,
    string Moniker,
    string Version,
    long LatestHeight,
    Hash32 LatestBlockHash,
    ReadOnlyMemory<byte> LatestAppHash,
    Timestamp LatestBlockTime,
    bool CatchingUp,
    int MempoolSize);

/// <summary>An account's authentication state.</summary>
/// <param name="Address">The account.</param>
/// <param name="PublicKey">The public key recorded by the account's first transaction, or <see langword="null"/> before.</param>
/// <param name="Sequence">The next transaction sequence the chain expects.</param>
/// <param name="Height">The committed height the answer was read at.</param>
public sealed record AccountState(Address Address, PublicKey? PublicKey, ulong Sequence, long Height);

/// <summary>The result of executing one transaction (or of checking it, for CheckTx).</summary>
/// <param name="Code">0 on success; otherwise a code of <paramref name="Codespace"/>.</param>
/// <param name="Codespace">The module the code belongs to.</param>
/// <param name="Log">The node's explanation.</param>
/// <param name="GasWanted">Gas requested.</param>
/// <param name="GasUsed">Gas used.</param>
/// <param name="Events">Application events emitted.</param>
public sealed record TransactionResult(uint Code, string Codespace, string Log, long GasWanted, long GasUsed, IReadOnlyList<ChainEventData> Events)
{
    /// <summary>Whether the transaction succeeded.</summary>
    public bool IsSuccess => Code == 0;
}

/// <summary>One application event: a type such as <c>transfer</c> and its attributes.</summary>
/// <param name="Type">The event type.</param>
/// <param name="Attributes">Key/value attributes in emission order.</param>
public sealed record ChainEventData(string Type, IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>The outcome of a broadcast.</summary>
/// <param name="TxHash">SHA-256 of the transaction bytes.</param>
/// <param name="AlreadyKnown">Whether the node already held (or had committed) the transaction: a repeated broadcast.</param>
/// <param name="Committed">Whether the transaction is in a block (always set for <see cref="BroadcastMode.Commit"/>).</param>
/// <param name="Height">The block height when committed; otherwise 0.</param>
/// <param name="Result">The execution result when committed; otherwise <see langword="null"/>.</param>
public sealed record BroadcastResult(Hash32 TxHash, bool AlreadyKnown, bool Committed, long Height, TransactionResult? Result);

/// <summary>A transaction as a node knows it.</summary>
/// <param name="Hash">SHA-256 of its bytes.</param>
/// <param name="Raw">The bytes.</param>
/// <param name="Pending">Whether it still waits in the node's mempool (then height, index and result are unset).</param>
/// <param name="Height">The block height.</param>
/// <param name="Index">The position in the block.</param>
/// <param name="Result">The execution result, or <see langword="null"/> while pending.</param>
public sealed record TransactionInfo(Hash32 Hash, ReadOnlyMemory<byte> Raw, bool Pending, long Height, int Index, TransactionResult? Result);

/// <summary>A committed block as the node's API shows it.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The header hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="ProposerAddress">The proposer's address bytes.</param>
/// <param name="AppHash">The app hash in the header.</param>
/// <param name="LastBlockHash">The previous block's hash.</param>
/// <param name="Transactions">The transactions' bytes, in order.</param>
public sealed record BlockInfo(long Height, Hash32 Hash, Timestamp Time, ReadOnlyMemory<byte> ProposerAddress, ReadOnlyMemory<byte> AppHash, Hash32 LastBlockHash, IReadOnlyList<ReadOnlyMemory<byte>> Transactions);
