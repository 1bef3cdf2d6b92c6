using Google.Protobuf;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Transactions;

/// <summary>The outcome of decoding a transaction: the transaction, or a typed reason.</summary>
/// <param name="Code">Ok, or the <see cref="TxErrors"/> code.</param>
/// <param name="Log">Detail for a failure.</param>
/// <param name="Transaction">The transaction when <paramref name="Code"/> is ok.</param>
public sealed record TxDecodeResult(ResultCode Code, string Log, SignedTransaction? Transaction)
{
    /// <summary>Whether decoding succeeded.</summary>
    public bool IsOk => Code.IsOk && Transaction is not null;
}

/// <summary>
/// The strict transaction decoder (CONVENTIONS habit 14): size first, then every part parsed with
/// unknown fields discarded, re-serialized and compared with the input, so trailing bytes,
/// unknown fields, unknown message types and non-canonical encodings are all rejected with a typed code.
/// Stateless: it neither checks the signature nor reads state.
/// </summary>
/// <remarks>Thread-safe once built.</remarks>
public sealed class TxDecoder
{
    private readonly MessageRegistry _registry;
    private readonly int _maxTxBytes;
    private readonly int _maxMessages;
    private readonly int _maxMemoBytes;

    /// <summary>Creates a decoder.</summary>
    /// <param name="registry">The known message types.</param>
    /// <param name="maxTxBytes">Maximum transaction size.</param>
    /// <param name="maxMessages">Maximum messages per transaction.</param>
    /// <param name="maxMemoBytes">Maximum memo size (UTF-8 bytes).</param>
    public TxDecoder(MessageRegistry registry, int maxTxBytes, int maxMessages, int maxMemoBytes)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMemoBytes);
        _registry = registry;
        _maxTxBytes = maxTxBytes;
        _maxMessages = maxMessages;
        _maxMemoBytes = maxMemoBytes;
    }

    /// <summary>Decodes a transaction.</summary>
    /// <param name="bytes">The bytes as received.</param>
    /// <returns>The transaction, or a typed failure. Never throws on bad input.</returns>
    public TxDecodeResult Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _maxTxBytes)
        {
            return Fail(TxErrors.TxTooLarge, $"{bytes.Length} bytes exceeds the limit of {_maxTxBytes}.");
        }

        var rawCheck = StrictProto.TryParse(TxRaw.Parser, bytes, _maxTxBytes, out var raw);
        if (rawCheck != StrictProto.Outcome.Ok)
        {
            return FromOutcome(rawCheck, "TxRaw");
        }

        var bodyCheck = StrictProto.TryParse(TxBody.Parser, raw!.BodyBytes.Span, _maxTxBytes, out var body);
        if (bodyCheck != StrictProto.Outcome.Ok)
        {
            return UnknownMessageOr(bodyCheck, raw.BodyBytes.Span, "TxBody");
        }

        var authCheck = StrictProto.TryParse(AuthInfo.Parser, raw.AuthInfoBytes.Span, _maxTxBytes, out var auth);
        if (authCheck != StrictProto.Outcome.Ok)
        {
            return FromOutcome(authCheck, "AuthInfo");
        }

        if (raw.Signature.Length != Crypto.Ed25519.SignatureSize)
        {
            return Fail(TxErrors.InvalidSignature, $"A signature is {Crypto.Ed25519.SignatureSize} bytes; got {raw.Signature.Length}.");
        }

        if (auth!.SignerPublicKey.Length != PublicKey.Length)
        {
            return Fail(TxErrors.InvalidPublicKey, $"The signer key is {PublicKey.Length} bytes; got {auth.SignerPublicKey.Length}.");
        }

        if (auth.Fee is null || !Amount.TryParseValue(auth.Fee.Amount, out var feeValue)
            || !Denom.TryParse(auth.Fee.Denom, null, out var feeDenom) || feeDenom == Denom.BTask)
        {
            return Fail(TxErrors.InvalidFee, "The fee must be a canonical amount of uphnx or uspark.");
        }

        if (body!.Messages.Count == 0 || body.Messages.Count > _maxMessages)
        {
            return Fail(TxErrors.InvalidMessageCount, $"A transaction carries 1 to {_maxMessages} messages; got {body.Messages.Count}.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(body.Memo) > _maxMemoBytes)
        {
            return Fail(TxErrors.MemoTooLong, $"The memo exceeds {_maxMemoBytes} bytes.");
        }

        var messages = new List<ITxMessage>(body.Messages.Count);
        for (var i = 0; i < body.Messages.Count; i++)
        {
            var wire = body.Messages[i];
            if (!_registry.TryGet(wire.SumCase, out var entry))
            {
                return Fail(TxErrors.UnknownMessageType, $"Message {i} has an unknown type.");
            }

            var (message, error) = entry.Convert(wire);
            if (message is null)
            {
                return Fail(TxErrors.InvalidMessage, $"Message {i} ({entry.TypeName}): {error}");
            }

            messages.Add(message);
        }

        var signDoc = new SignDoc { BodyBytes = raw.BodyBytes, AuthInfoBytes = raw.AuthInfoBytes }.ToByteArray();
        var tx = new SignedTransaction(
            bytes.ToArray(),
            signDoc,
            raw.Signature.ToByteArray(),
            body.ChainId,
            messages,
            body.Memo,
            body.TimeoutHeight,
            new PublicKey(auth.SignerPublicKey.Span),
            auth.Sequence,
            new Amount(feeValue, feeDenom));
        return new TxDecodeResult(ResultCode.Ok, string.Empty, tx);
    }

    private static TxDecodeResult UnknownMessageOr(StrictProto.Outcome outcome, ReadOnlySpan<byte> bodyBytes, string part)
    {
        if (outcome == StrictProto.Outcome.NotCanonical)
        {
            // An unknown oneof case parses as an unknown field of a Message and is then dropped;
            // report it as an unknown message type rather than a generic canonical-form failure.
            try
            {
                var lenient = TxBody.Parser.ParseFrom(bodyBytes);
                if (lenient.Messages.Any(m => m.SumCase == Message.SumOneofCase.None))
                {
                    return Fail(TxErrors.UnknownMessageType, "A message has an unknown type.");
                }
            }
            catch (InvalidProtocolBufferException)
            {
                // fall through
            }
        }

        return FromOutcome(outcome, part);
    }

    private static TxDecodeResult FromOutcome(StrictProto.Outcome outcome, string part) => outcome switch
    {
        StrictProto.Outcome.TooLarge => Fail(TxErrors.TxTooLarge, $"{part} is too large."),
        StrictProto.Outcome.Malformed => Fail(TxErrors.Malformed, $"{part} is not valid protobuf."),
        _ => Fail(TxErrors.NonCanonical, $"{part} is not canonically encoded (unknown fields, order, defaults or trailing bytes)."),
    };

    private static TxDecodeResult Fail(ResultCode code, string log) => new(code, log, null);
}
