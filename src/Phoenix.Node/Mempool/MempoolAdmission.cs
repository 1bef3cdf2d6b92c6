using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Mempool;

/// <summary>What the mempool did with a transaction.</summary>
public enum MempoolAdmissionStatus
{
    /// <summary>Admitted: it passed <c>CheckTx</c> and will be gossiped and proposed.</summary>
    Accepted = 0,

    /// <summary>Already in the mempool or recently seen (duplicate or replay); nothing changed.</summary>
    AlreadyKnown = 1,

    /// <summary>The mempool is full of transactions of equal or higher priority.</summary>
    Full = 2,

    /// <summary>Larger than <see cref="MempoolOptions.MaxTxBytes"/>; not checked.</summary>
    TooLarge = 3,

    /// <summary><c>CheckTx</c> refused it; <see cref="MempoolAdmission.Code"/> and <see cref="MempoolAdmission.Codespace"/> say why.</summary>
    Rejected = 4,
}

/// <summary>The outcome of offering a transaction to the mempool: a value, never an exception.</summary>
/// <param name="Status">What happened.</param>
/// <param name="TxHash">The transaction's hash (SHA-256 of its bytes).</param>
/// <param name="Code">The <c>CheckTx</c> code (0 unless <see cref="MempoolAdmissionStatus.Rejected"/>).</param>
/// <param name="Codespace">The module that produced <paramref name="Code"/>.</param>
/// <param name="Log">A human-readable reason.</param>
public readonly record struct MempoolAdmission(MempoolAdmissionStatus Status, Hash32 TxHash, uint Code = 0, string Codespace = "", string Log = "")
{
    /// <summary>The codespace of refusals decided by the mempool itself rather than the application.</summary>
    public const string MempoolCodespace = "mempool";

    /// <summary>Whether the transaction was admitted.</summary>
    public bool IsAccepted => Status == MempoolAdmissionStatus.Accepted;
}
