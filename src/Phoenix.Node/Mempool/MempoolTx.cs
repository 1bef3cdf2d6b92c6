using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Mempool;

/// <summary>A transaction held by the mempool, with what <c>CheckTx</c> said about it.</summary>
/// <param name="Hash">SHA-256 of the bytes.</param>
/// <param name="Tx">The raw transaction bytes.</param>
/// <param name="Sender">The signer's address from <c>CheckTx</c> (empty when the application did not report one).</param>
/// <param name="Sequence">The sender's sequence number.</param>
/// <param name="Priority">Priority (higher is proposed first and evicted last).</param>
/// <param name="GasWanted">Gas the transaction asks for.</param>
/// <param name="Height">The mempool height when it was admitted.</param>
/// <param name="SourcePeer">The peer it came from, or <see langword="null"/> when submitted locally (gossip skips the source).</param>
public sealed record MempoolTx(
    Hash32 Hash,
    ReadOnlyMemory<byte> Tx,
    ReadOnlyMemory<byte> Sender,
    ulong Sequence,
    long Priority,
    long GasWanted,
    long Height,
    string? SourcePeer)
{
    internal long Arrival { get; init; }

    internal string SenderKey { get; init; } = "";
}
