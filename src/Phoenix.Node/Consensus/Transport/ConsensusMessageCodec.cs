using Google.Protobuf;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using P2P = Phoenix.Protocol.P2P.V1;

namespace Phoenix.Node.Consensus.Transport;

/// <summary>Why a peer's message was refused.</summary>
public enum MessageDecodeError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Larger than the configured maximum (checked before parsing).</summary>
    Oversized,

    /// <summary>Not a valid protobuf encoding, or an empty envelope.</summary>
    Malformed,

    /// <summary>Well-formed protobuf with out-of-range values (lengths, enums, counts).</summary>
    Invalid,
}

/// <summary>
/// Encodes and decodes <see cref="ConsensusMessage"/>s as <c>phoenix.p2p.v1.ConsensusEnvelope</c>. Decoding checks the
/// size first, caps every repeated field and every hash, address and signature length, and never throws on hostile
/// input: it returns a <see cref="MessageDecodeError"/>.
/// </summary>
public static class ConsensusMessageCodec
{
    /// <summary>Default maximum message size: 4 MiB.</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Maximum transactions in a block.</summary>
    public const int MaxTxsPerBlock = 100_000;

    /// <summary>Maximum evidence items in a block.</summary>
    public const int MaxEvidencePerBlock = 100;

    /// <summary>Maximum signatures in a commit (validators in a set).</summary>
    public const int MaxCommitSignatures = 10_000;

    /// <summary>Encodes a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The envelope bytes.</returns>
    public static byte[] Encode(ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var env = new P2P.ConsensusEnvelope();
        switch (message)
        {
            case ProposalMessage p:
                env.Proposal = new P2P.ProposalMessage { Proposal = ToProto(p.Proposal), Block = ByteString.CopyFrom(p.BlockBytes) };
                break;
            case VoteMessage v:
                env.Vote = new P2P.VoteMessage { Vote = ToProto(v.Vote) };
                break;
            case BlockRequestMessage r:
                env.BlockRequest = new P2P.BlockRequest { Height = r.Height };
                break;
            case BlockResponseMessage b:
                env.BlockResponse = new P2P.BlockResponse { Block = ByteString.CopyFrom(b.BlockBytes), Commit = ToProto(b.Commit) };
                break;
            default:
                throw new ArgumentException($"Unknown message type {message.GetType().Name}.", nameof(message));
        }

        return env.ToByteArray();
    }

    /// <summary>Encodes a block.</summary>
    /// <param name="block">The block.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] EncodeBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var p = new P2P.Block { Header = ToProto(block.Header), LastCommit = ToProto(block.LastCommit) };
        p.Txs.AddRange(block.Txs.Select(ByteString.CopyFrom));
        p.Evidence.AddRange(block.Evidence.Select(ToProto));
        return p.ToByteArray();
    }

    /// <summary>Decodes a message from a peer.</summary>
    /// <param name="bytes">The envelope bytes.</param>
    /// <param name="maxBytes">The size limit.</param>
    /// <param name="message">The message, when the result is <see cref="MessageDecodeError.None"/>.</param>
    /// <returns>The outcome.</returns>
    public static MessageDecodeError TryDecode(ReadOnlySpan<byte> bytes, int maxBytes, out ConsensusMessage? message)
    {
        message = null;
        if (bytes.Length > maxBytes)
        {
            return MessageDecodeError.Oversized;
        }

        P2P.ConsensusEnvelope env;
        try
        {
            env = P2P.ConsensusEnvelope.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return MessageDecodeError.Malformed;
        }

        try
        {
            message = env.SumCase switch
            {
                P2P.ConsensusEnvelope.SumOneofCase.Proposal => DecodeProposal(env.Proposal),
                P2P.ConsensusEnvelope.SumOneofCase.Vote => new VoteMessage(FromProto(env.Vote.Vote ?? throw Bad())),
                P2P.ConsensusEnvelope.SumOneofCase.BlockRequest => env.BlockRequest.Height > 0 ? new BlockRequestMessage(env.BlockRequest.Height) : throw Bad(),
                P2P.ConsensusEnvelope.SumOneofCase.BlockResponse => DecodeBlockResponse(env.BlockResponse),
                _ => null,
            };
        }
        catch (InvalidDataException)
        {
            return MessageDecodeError.Invalid;
        }
        catch (InvalidProtocolBufferException)
        {
            return MessageDecodeError.Malformed;
        }

        return message is null ? MessageDecodeError.Malformed : MessageDecodeError.None;
    }

    /// <summary>Encodes a commit (the block store keeps each block's seen commit in this form).</summary>
    internal static byte[] EncodeCommit(Commit commit) => ToProto(commit).ToByteArray();

    /// <summary>Decodes a commit written by <see cref="EncodeCommit"/> (throws <see cref="InvalidDataException"/> or <see cref="InvalidProtocolBufferException"/>).</summary>
    internal static Commit DecodeCommit(ReadOnlySpan<byte> bytes) => FromProto(P2P.Commit.Parser.ParseFrom(bytes));

    /// <summary>Decodes a block (throws <see cref="InvalidDataException"/> or <see cref="InvalidProtocolBufferException"/>).</summary>
    internal static Block DecodeBlock(ReadOnlySpan<byte> bytes)
    {
        var p = P2P.Block.Parser.ParseFrom(bytes);
        if (p.Header is null || p.LastCommit is null || p.Txs.Count > MaxTxsPerBlock || p.Evidence.Count > MaxEvidencePerBlock)
        {
            throw Bad();
        }

        return new Block(FromProto(p.Header), p.Txs.Select(t => t.ToByteArray()).ToList(), p.Evidence.Select(FromProto).ToList(), FromProto(p.LastCommit));
    }

    private static ProposalMessage DecodeProposal(P2P.ProposalMessage m)
    {
        var proposal = m.Proposal ?? throw Bad();
        var bytes = m.Block.ToByteArray();
        var p = new Proposal(proposal.Height, proposal.Round, proposal.PolRound, FromProto(proposal.BlockId), FromProto(proposal.Timestamp), Sig(proposal.Signature, required: true));
        if (p.Height <= 0 || p.Round < 0 || p.PolRound < -1 || p.PolRound >= p.Round && p.PolRound != -1)
        {
            throw Bad();
        }

        return new ProposalMessage(p, DecodeBlock(bytes), bytes);
    }

    private static BlockResponseMessage DecodeBlockResponse(P2P.BlockResponse m)
    {
        var bytes = m.Block.ToByteArray();
        return new BlockResponseMessage(DecodeBlock(bytes), bytes, FromProto(m.Commit ?? throw Bad()));
    }

    private static InvalidDataException Bad() => new("invalid consensus message");

    private static byte[] Hash(ByteString b, bool allowEmpty = true)
        => b.Length == 32 || (allowEmpty && b.Length == 0) ? b.ToByteArray() : throw Bad();

    private static byte[] Address(ByteString b, bool allowEmpty = false)
        => b.Length == 20 || (allowEmpty && b.Length == 0) ? b.ToByteArray() : throw Bad();

    private static byte[] Sig(ByteString b, bool required)
        => b.Length == 64 || (!required && b.Length == 0) ? b.ToByteArray() : throw Bad();

    private static Timestamp FromProto(Google.Protobuf.WellKnownTypes.Timestamp? t)
        => t is null ? CanonicalEncoding.GoZeroTime : t.Nanos is >= 0 and < 1_000_000_000 ? new Timestamp(t.Seconds, t.Nanos) : throw Bad();

    private static Google.Protobuf.WellKnownTypes.Timestamp ToProto(Timestamp t) => new() { Seconds = t.Seconds, Nanos = t.Nanos };

    private static BlockId FromProto(P2P.BlockId? b)
    {
        if (b is null)
        {
            return BlockId.Nil;
        }

        var psh = b.PartSetHeader is null ? PartSetHeader.Empty : new PartSetHeader(b.PartSetHeader.Total, Hash(b.PartSetHeader.Hash));
        var id = new BlockId(Hash(b.Hash), psh);
        return id.IsNil ? BlockId.Nil : id.Hash.Length == 32 && psh.Hash.Length == 32 && psh.Total > 0 ? id : throw Bad();
    }

    private static P2P.BlockId ToProto(BlockId b) => new()
    {
        Hash = ByteString.CopyFrom(b.Hash),
        PartSetHeader = new P2P.PartSetHeader { Total = b.PartSetHeader.Total, Hash = ByteString.CopyFrom(b.PartSetHeader.Hash) },
    };

    private static P2P.Vote ToProto(Vote v) => new()
    {
        Type = (int)v.Type,
        Height = v.Height,
        Round = v.Round,
        BlockId = ToProto(v.BlockId),
        Timestamp = ToProto(v.Timestamp),
        ValidatorAddress = ByteString.CopyFrom(v.ValidatorAddress),
        ValidatorIndex = v.ValidatorIndex,
        Signature = ByteString.CopyFrom(v.Signature),
    };

    private static Vote FromProto(P2P.Vote v)
    {
        var type = (SignedMsgType)v.Type;
        if (type is not (SignedMsgType.Prevote or SignedMsgType.Precommit) || v.Height <= 0 || v.Round < 0 || v.ValidatorIndex < 0)
        {
            throw Bad();
        }

        return new Vote(type, v.Height, v.Round, FromProto(v.BlockId), FromProto(v.Timestamp), Address(v.ValidatorAddress), v.ValidatorIndex, Sig(v.Signature, required: true));
    }

    private static P2P.Proposal ToProto(Proposal p) => new()
    {
        Height = p.Height,
        Round = p.Round,
        PolRound = p.PolRound,
        BlockId = ToProto(p.BlockId),
        Timestamp = ToProto(p.Timestamp),
        Signature = ByteString.CopyFrom(p.Signature),
    };

    private static P2P.Header ToProto(Header h) => new()
    {
        VersionBlock = h.VersionBlock,
        VersionApp = h.VersionApp,
        ChainId = h.ChainId,
        Height = h.Height,
        Time = ToProto(h.Time),
        LastBlockId = ToProto(h.LastBlockId),
        LastCommitHash = ByteString.CopyFrom(h.LastCommitHash),
        DataHash = ByteString.CopyFrom(h.DataHash),
        ValidatorsHash = ByteString.CopyFrom(h.ValidatorsHash),
        NextValidatorsHash = ByteString.CopyFrom(h.NextValidatorsHash),
        ConsensusHash = ByteString.CopyFrom(h.ConsensusHash),
        AppHash = ByteString.CopyFrom(h.AppHash),
        LastResultsHash = ByteString.CopyFrom(h.LastResultsHash),
        EvidenceHash = ByteString.CopyFrom(h.EvidenceHash),
        ProposerAddress = ByteString.CopyFrom(h.ProposerAddress),
    };

    private static Header FromProto(P2P.Header h)
    {
        if (h.ChainId.Length > 50 || h.Height <= 0 || h.AppHash.Length > 64)
        {
            throw Bad();
        }

        return new Header
        {
            VersionBlock = h.VersionBlock,
            VersionApp = h.VersionApp,
            ChainId = h.ChainId,
            Height = h.Height,
            Time = FromProto(h.Time),
            LastBlockId = FromProto(h.LastBlockId),
            LastCommitHash = Hash(h.LastCommitHash),
            DataHash = Hash(h.DataHash),
            ValidatorsHash = Hash(h.ValidatorsHash),
            NextValidatorsHash = Hash(h.NextValidatorsHash),
            ConsensusHash = Hash(h.ConsensusHash),
            AppHash = h.AppHash.ToByteArray(),
            LastResultsHash = Hash(h.LastResultsHash),
            EvidenceHash = Hash(h.EvidenceHash),
            ProposerAddress = Address(h.ProposerAddress),
        };
    }

    private static P2P.Commit ToProto(Commit c)
    {
        var p = new P2P.Commit { Height = c.Height, Round = c.Round, BlockId = ToProto(c.BlockId) };
        p.Signatures.AddRange(c.Signatures.Select(s => new P2P.CommitSig
        {
            BlockIdFlag = (int)s.Flag,
            ValidatorAddress = ByteString.CopyFrom(s.ValidatorAddress),
            Timestamp = ToProto(s.Timestamp),
            Signature = ByteString.CopyFrom(s.Signature),
        }));
        return p;
    }

    private static Commit FromProto(P2P.Commit c)
    {
        if (c.Signatures.Count > MaxCommitSignatures || c.Height < 0 || c.Round < 0)
        {
            throw Bad();
        }

        var sigs = c.Signatures.Select(s =>
        {
            var flag = (BlockIdFlag)s.BlockIdFlag;
            return flag switch
            {
                BlockIdFlag.Absent => CommitSig.Absent,
                BlockIdFlag.Commit or BlockIdFlag.Nil => new CommitSig(flag, Address(s.ValidatorAddress), FromProto(s.Timestamp), Sig(s.Signature, required: true)),
                _ => throw Bad(),
            };
        }).ToList();
        return new Commit(c.Height, c.Round, FromProto(c.BlockId), sigs);
    }

    private static P2P.DuplicateVoteEvidence ToProto(DuplicateVoteEvidence e) => new()
    {
        VoteA = ToProto(e.VoteA),
        VoteB = ToProto(e.VoteB),
        TotalVotingPower = e.TotalVotingPower,
        ValidatorPower = e.ValidatorPower,
        Timestamp = ToProto(e.Timestamp),
    };

    private static DuplicateVoteEvidence FromProto(P2P.DuplicateVoteEvidence e)
        => new(FromProto(e.VoteA ?? throw Bad()), FromProto(e.VoteB ?? throw Bad()), e.TotalVotingPower, e.ValidatorPower, FromProto(e.Timestamp));
}
