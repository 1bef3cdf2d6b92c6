using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>
/// The node executed or checked a transaction and rejected it with a result code (CheckTx or
/// FinalizeBlock). Carries the node's <see cref="Code"/>, <see cref="Codespace"/> and <see cref="Log"/>.
/// </summary>
/// <remarks>
/// Never transient: the same signed bytes will be rejected again. A sequence mismatch
/// (<see cref="IsSequenceMismatch"/>) is the one rejection that is recoverable, by re-reading the
/// account sequence and signing again; <see cref="Wallets.SequenceManager"/> does that once.
/// </remarks>
public sealed class TransactionRejectedException : PhoenixException
{
    /// <summary>Creates the exception from the node's result.</summary>
    /// <param name="code">The result code (non-zero).</param>
    /// <param name="codespace">The module that produced the code (codes are unique per codespace).</param>
    /// <param name="log">The node's human-readable explanation (may be empty).</param>
    /// <param name="isSequenceMismatch">Whether the code is the protocol's sequence-mismatch code; the
    /// caller that knows the protocol's code registry decides.</param>
    /// <param name="transactionHash">The transaction hash (lower-case hex), when known.</param>
    /// <exception cref="ArgumentNullException"><paramref name="codespace"/> is <see langword="null"/>.</exception>
    public TransactionRejectedException(uint code, string codespace, string? log, bool isSequenceMismatch = false, string? transactionHash = null)
        : base(ExceptionMessages.TransactionRejected(code, codespace ?? throw new ArgumentNullException(nameof(codespace)), log ?? string.Empty, isSequenceMismatch))
    {
        Code = code;
        Codespace = codespace;
        Log = log ?? string.Empty;
        IsSequenceMismatch = isSequenceMismatch;
        TransactionHash = transactionHash;
    }

    /// <summary>The node's result code.</summary>
    public uint Code { get; }

    /// <summary>The module (codespace) the code belongs to.</summary>
    public string Codespace { get; }

    /// <summary>The node's explanation.</summary>
    public string Log { get; }

    /// <summary>Whether the rejection is a sequence mismatch (recoverable by re-signing with the current sequence).</summary>
    public bool IsSequenceMismatch { get; }

    /// <summary>The transaction hash (lower-case hex), when known.</summary>
    public string? TransactionHash { get; }

    /// <summary>Whether the rejection is the protocol's <paramref name="result"/> (same codespace and code), such as
    /// <c>MintErrors.SlippageExceeded</c> or <c>TaskErrors.ClaimExpired</c>.</summary>
    /// <param name="result">A named result code from the protocol's registry.</param>
    /// <returns><see langword="true"/> when the codespace and code match.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    public bool Is(Phoenix.Protocol.Results.ResultCode result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Code == Code && string.Equals(result.Codespace, Codespace, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;
}
