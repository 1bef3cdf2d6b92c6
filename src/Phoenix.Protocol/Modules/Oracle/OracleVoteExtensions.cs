using Google.Protobuf;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Oracle;

/// <summary>A source of this validator's PHNX/USD price for its vote extension (local, non-deterministic; supplied by the host).</summary>
/// <remarks>Called from <c>ExtendVote</c> on the consensus path: it must answer quickly from a cached value and never block on I/O.</remarks>
public interface IPriceFeed
{
    /// <summary>Gets the current price.</summary>
    /// <param name="priceMicroUsd">Micro-USD per PHNX (positive) when available.</param>
    /// <returns>Whether a fresh price is available; without one the validator extends its vote with no report.</returns>
    bool TryGetPriceMicroUsd(out ulong priceMicroUsd);
}

/// <summary>One validator's signed vote extension as the proposer injects it (wire: <c>OracleVote</c>).</summary>
/// <param name="ValidatorAddress">The 20-byte consensus address.</param>
/// <param name="Extension">The extension bytes (an encoded <c>OracleVoteExtension</c>, or empty).</param>
/// <param name="Signature">The Ed25519 signature over <see cref="OracleVoteExtensions.SignBytes"/>.</param>
public sealed record SignedOracleVote(ReadOnlyMemory<byte> ValidatorAddress, ReadOnlyMemory<byte> Extension, ReadOnlyMemory<byte> Signature);

/// <summary>
/// The codecs of the oracle's vote-extension path (docs/cometbft.md, "Oracle vote extensions"): the extension a
/// validator attaches to its precommit, CometBFT's extension sign bytes, and the unsigned transaction (a
/// <c>Message</c> holding only <c>MsgOracleExtensions</c>, type id 41) the next proposer injects first in its block.
/// </summary>
public static class OracleVoteExtensions
{
    /// <summary>The largest extension accepted by <c>VerifyVoteExtension</c> (an <c>OracleVoteExtension</c> is at most 11 bytes).</summary>
    public const int MaxExtensionBytes = 16;

    /// <summary>The largest number of votes in one injected transaction.</summary>
    public const int MaxVotes = 1000;

    /// <summary>The largest injected transaction accepted.</summary>
    public const int MaxInjectedBytes = MaxVotes * 128;

    // Message.oracle_extensions is field 41, wire type 2: tag varint 41 << 3 | 2 = 330 = 0xCA 0x02.
    private static readonly byte[] InjectedTag = [0xCA, 0x02];

    /// <summary>Encodes a price as an extension.</summary>
    /// <param name="priceMicroUsd">The price (positive).</param>
    /// <returns>The extension bytes.</returns>
    public static byte[] EncodeExtension(ulong priceMicroUsd)
    {
        ArgumentOutOfRangeException.ThrowIfZero(priceMicroUsd);
        return new OracleVoteExtension { PriceMicroUsd = priceMicroUsd }.ToByteArray();
    }

    /// <summary>Decodes an extension strictly: empty (no report), or the canonical encoding of a positive price within <see cref="MaxExtensionBytes"/>.</summary>
    /// <param name="extension">The bytes.</param>
    /// <param name="priceMicroUsd">The price, or <see langword="null"/> for an empty extension.</param>
    /// <returns>Whether the extension is well-formed.</returns>
    public static bool TryDecodeExtension(ReadOnlySpan<byte> extension, out ulong? priceMicroUsd)
    {
        priceMicroUsd = null;
        if (extension.IsEmpty)
        {
            return true;
        }

        if (StrictProto.TryParse(OracleVoteExtension.Parser, extension, MaxExtensionBytes, out var parsed) != StrictProto.Outcome.Ok || parsed!.PriceMicroUsd == 0)
        {
            return false;
        }

        priceMicroUsd = parsed.PriceMicroUsd;
        return true;
    }

    /// <summary>
    /// CometBFT's vote-extension sign bytes: <c>uvarint(length) ‖ CanonicalVoteExtension{extension=1 bytes, height=2 sfixed64,
    /// round=3 sfixed64, chain_id=4 string}</c> (proto3: default values omitted).
    /// </summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">The height the precommit is for.</param>
    /// <param name="round">The round.</param>
    /// <param name="extension">The extension.</param>
    /// <returns>The bytes the validator signed.</returns>
    public static byte[] SignBytes(string chainId, long height, long round, ReadOnlySpan<byte> extension)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        var body = new List<byte>(extension.Length + chainId.Length + 32);
        if (!extension.IsEmpty)
        {
            body.Add(0x0A);
            AddVarint(body, (ulong)extension.Length);
            body.AddRange(extension.ToArray());
        }

        if (height != 0)
        {
            body.Add(0x11);
            AddFixed64(body, height);
        }

        if (round != 0)
        {
            body.Add(0x19);
            AddFixed64(body, round);
        }

        if (chainId.Length > 0)
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(chainId);
            body.Add(0x22);
            AddVarint(body, (ulong)utf8.Length);
            body.AddRange(utf8);
        }

        var result = new List<byte>(body.Count + 5);
        AddVarint(result, (ulong)body.Count);
        result.AddRange(body);
        return [.. result];
    }

    /// <summary>Whether block transaction bytes have the shape of an injected oracle transaction (a <c>Message</c> starting with field 41).</summary>
    /// <param name="tx">The transaction bytes.</param>
    /// <returns>Whether they start with the <c>oracle_extensions</c> tag (a signed <c>TxRaw</c> starts with field 1).</returns>
    public static bool IsInjectedTx(ReadOnlySpan<byte> tx) => tx.StartsWith(InjectedTag);

    /// <summary>Encodes the injected transaction.</summary>
    /// <param name="round">The last commit's round.</param>
    /// <param name="votes">The votes, sorted by address without duplicates.</param>
    /// <returns>The transaction bytes.</returns>
    public static byte[] EncodeInjectedTx(int round, IEnumerable<SignedOracleVote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var message = new MsgOracleExtensions { Round = round };
        message.Votes.Add(votes.Select(v => new OracleVote
        {
            ValidatorAddress = ByteString.CopyFrom(v.ValidatorAddress.Span),
            VoteExtension = ByteString.CopyFrom(v.Extension.Span),
            ExtensionSignature = ByteString.CopyFrom(v.Signature.Span),
        }));
        return new Message { OracleExtensions = message }.ToByteArray();
    }

    /// <summary>
    /// Decodes an injected transaction strictly: canonical bytes within <see cref="MaxInjectedBytes"/>, only field 41, a non-negative
    /// round, 1 to <see cref="MaxVotes"/> votes with 20-byte addresses in strictly increasing order, 64-byte signatures and
    /// well-formed extensions.
    /// </summary>
    /// <param name="tx">The transaction bytes.</param>
    /// <param name="round">The commit round.</param>
    /// <param name="votes">The votes.</param>
    /// <returns>Whether the transaction is well-formed.</returns>
    public static bool TryDecodeInjectedTx(ReadOnlySpan<byte> tx, out int round, out IReadOnlyList<SignedOracleVote> votes)
    {
        round = 0;
        votes = [];
        if (!IsInjectedTx(tx)
            || StrictProto.TryParse(Message.Parser, tx, MaxInjectedBytes, out var message) != StrictProto.Outcome.Ok
            || message!.SumCase != Message.SumOneofCase.OracleExtensions)
        {
            return false;
        }

        var wire = message.OracleExtensions;
        if (wire.Round < 0 || wire.Votes.Count == 0 || wire.Votes.Count > MaxVotes)
        {
            return false;
        }

        var list = new List<SignedOracleVote>(wire.Votes.Count);
        ReadOnlySpan<byte> previous = default;
        foreach (var v in wire.Votes)
        {
            var address = v.ValidatorAddress.Span;
            if (address.Length != 20
                || (list.Count > 0 && previous.SequenceCompareTo(address) >= 0)
                || v.ExtensionSignature.Length != 64
                || !TryDecodeExtension(v.VoteExtension.Span, out _))
            {
                return false;
            }

            previous = address;
            list.Add(new SignedOracleVote(v.ValidatorAddress.Memory, v.VoteExtension.Memory, v.ExtensionSignature.Memory));
        }

        round = wire.Round;
        votes = list;
        return true;
    }

    private static void AddVarint(List<byte> to, ulong value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }

    private static void AddFixed64(List<byte> to, long value)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(b, value);
        to.AddRange(b.ToArray());
    }
}
