using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Transactions;

/// <summary>
/// A decoded, immutable transaction. It keeps the bytes as received: <see cref="Hash"/> is SHA-256 of
/// <see cref="Raw"/>, and the signature covers <see cref="SignBytes"/> built from the body and
/// auth-info bytes as sent, never from a re-encoding.
/// </summary>
/// <remarks>Produced by <see cref="TxDecoder"/>; decoding does not check the signature (see <see cref="VerifySignature"/>).</remarks>
public sealed class SignedTransaction
{
    internal SignedTransaction(
        byte[] raw,
        byte[] signBytes,
        byte[] signature,
        string chainId,
        IReadOnlyList<ITxMessage> messages,
        string memo,
        ulong timeoutHeight,
        PublicKey signer,
        ulong sequence,
        Amount fee)
    {
        Raw = raw;
        Hash = Hash32.Sha256(raw);
        SignBytes = signBytes;
        Signature = signature;
        ChainId = chainId;
        Messages = messages;
        Memo = memo;
        TimeoutHeight = timeoutHeight;
        Signer = signer;
        SignerAddress = signer.Address;
        Sequence = sequence;
        Fee = fee;
    }

    /// <summary>The transaction bytes as received.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>SHA-256 of <see cref="Raw"/>.</summary>
    public Hash32 Hash { get; }

    /// <summary>The signed bytes: the canonical <c>SignDoc</c> over the body and auth-info bytes as sent.</summary>
    public ReadOnlyMemory<byte> SignBytes { get; }

    /// <summary>The 64-byte signature.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The chain id the transaction is for.</summary>
    public string ChainId { get; }

    /// <summary>The messages, in execution order.</summary>
    public IReadOnlyList<ITxMessage> Messages { get; }

    /// <summary>The memo.</summary>
    public string Memo { get; }

    /// <summary>Invalid in blocks above this height (0: no timeout).</summary>
    public ulong TimeoutHeight { get; }

    /// <summary>The signer's public key.</summary>
    public PublicKey Signer { get; }

    /// <summary>The signer's address (derived from <see cref="Signer"/>).</summary>
    public Address SignerAddress { get; }

    /// <summary>The signer's sequence number.</summary>
    public ulong Sequence { get; }

    /// <summary>The fee (PHNX or SPARK), charged even when the messages fail.</summary>
    public Amount Fee { get; }

    /// <summary>Size in bytes.</summary>
    public int Size => Raw.Length;

    /// <summary>Checks the signature under the strict Ed25519 rule.</summary>
    /// <returns>Whether it is valid.</returns>
    public bool VerifySignature() => Signer.Verify(SignBytes.Span, Signature.Span);
}
