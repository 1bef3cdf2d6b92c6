using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Transactions;

/// <summary>Low-level helpers to encode and sign transactions (the Sdk's builders sit on top).</summary>
public static class TxEncoding
{
    /// <summary>The bytes a signer signs: the canonical <c>SignDoc</c> of the two byte strings.</summary>
    /// <param name="bodyBytes">The canonical <c>TxBody</c> bytes.</param>
    /// <param name="authInfoBytes">The canonical <c>AuthInfo</c> bytes.</param>
    /// <returns>The sign bytes.</returns>
    public static byte[] SignBytes(ReadOnlySpan<byte> bodyBytes, ReadOnlySpan<byte> authInfoBytes)
        => new SignDoc { BodyBytes = ByteString.CopyFrom(bodyBytes), AuthInfoBytes = ByteString.CopyFrom(authInfoBytes) }.ToByteArray();

    /// <summary>Encodes and signs a transaction with an Ed25519 seed.</summary>
    /// <param name="body">The body.</param>
    /// <param name="sequence">The signer's sequence.</param>
    /// <param name="fee">The fee (PHNX or SPARK).</param>
    /// <param name="seed">The signer's 32-byte seed; the public key is derived from it.</param>
    /// <returns>The <c>TxRaw</c> bytes.</returns>
    public static byte[] Sign(TxBody body, ulong sequence, Amount fee, ReadOnlySpan<byte> seed)
    {
        ArgumentNullException.ThrowIfNull(body);
        var auth = new AuthInfo
        {
            SignerPublicKey = ByteString.CopyFrom(Crypto.Ed25519.GetPublicKey(seed)),
            Sequence = sequence,
            Fee = ToCoin(fee),
        };
        var bodyBytes = body.ToByteArray();
        var authBytes = auth.ToByteArray();
        var signature = Crypto.Ed25519.Sign(seed, SignBytes(bodyBytes, authBytes));
        return new TxRaw
        {
            BodyBytes = ByteString.CopyFrom(bodyBytes),
            AuthInfoBytes = ByteString.CopyFrom(authBytes),
            Signature = ByteString.CopyFrom(signature),
        }.ToByteArray();
    }

    /// <summary>The wire form of an amount.</summary>
    /// <param name="amount">The amount.</param>
    /// <returns>The coin.</returns>
    public static Coin ToCoin(Amount amount) => new()
    {
        Denom = amount.Denom.Name,
        Amount = amount.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a wire coin strictly (known denomination, canonical decimal).</summary>
    /// <param name="coin">The coin.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Whether the coin is valid.</returns>
    public static bool TryFromCoin(Coin? coin, out Amount amount)
    {
        amount = default;
        if (coin is null || !Denom.TryParse(coin.Denom, null, out var denom) || !Amount.TryParseValue(coin.Amount, out var value))
        {
            return false;
        }

        amount = new Amount(value, denom);
        return true;
    }
}
