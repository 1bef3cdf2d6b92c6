using Google.Protobuf;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using NodeV1 = Phoenix.Protocol.Node.V1;

namespace Phoenix.Node.Api;

/// <summary>
/// Serves light blocks (signed header, commit, validator set) to <see cref="LightClientGrpcService"/>, so that
/// clients can verify headers (and the app hash in them) without trusting this node.
/// </summary>
/// <remarks>
/// The consensus engine (or the host around it) registers an implementation; <see cref="ConsensusLightBlockSource"/>
/// serves the embedded engine's block store. Implementations are thread-safe.
/// </remarks>
public interface ILightBlockSource
{
    /// <summary>The highest height whose light block is available (0 when none).</summary>
    long LatestHeight { get; }

    /// <summary>Reads the light block at a height.</summary>
    /// <param name="height">The height (1 or more).</param>
    /// <returns>The light block, or <see langword="null"/> when not held (pruned, or not yet committed).</returns>
    ConsensusLightBlock? GetLightBlock(long height);
}

/// <summary>A header with the commit that signs it and the validator set of its height.</summary>
/// <param name="Header">The header.</param>
/// <param name="Commit">+2/3 precommits for the header's block (the node's seen commit).</param>
/// <param name="ValidatorSet">The validator set of <see cref="Header"/>'s height (a copy the caller may keep).</param>
public sealed record ConsensusLightBlock(Header Header, Commit Commit, ValidatorSet ValidatorSet)
{
    /// <summary>The wire form served by <c>phoenix.node.v1.LightClientService</c>.</summary>
    /// <returns>A new message.</returns>
    public NodeV1.LightBlock ToProto()
    {
        var h = Header;
        var header = new NodeV1.LightHeader
        {
            VersionBlock = h.VersionBlock,
            VersionApp = h.VersionApp,
            ChainId = h.ChainId,
            Height = h.Height,
            Time = Time(h.Time),
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
        var commit = new NodeV1.LightCommit { Height = Commit.Height, Round = Commit.Round, BlockId = ToProto(Commit.BlockId) };
        foreach (var s in Commit.Signatures)
        {
            commit.Signatures.Add(new NodeV1.LightCommitSig
            {
                BlockIdFlag = s.Flag switch
                {
                    BlockIdFlag.Absent => NodeV1.LightBlockIdFlag.Absent,
                    BlockIdFlag.Commit => NodeV1.LightBlockIdFlag.Commit,
                    BlockIdFlag.Nil => NodeV1.LightBlockIdFlag.Nil,
                    _ => NodeV1.LightBlockIdFlag.Unknown,
                },
                ValidatorAddress = ByteString.CopyFrom(s.ValidatorAddress),
                Timestamp = Time(s.Timestamp),
                Signature = ByteString.CopyFrom(s.Signature),
            });
        }

        var validators = new NodeV1.LightValidatorSet();
        foreach (var v in ValidatorSet.Validators)
        {
            validators.Validators.Add(new NodeV1.LightValidator
            {
                PubKeyEd25519 = ByteString.CopyFrom(v.PublicKey),
                VotingPower = v.VotingPower,
                ProposerPriority = v.ProposerPriority,
            });
        }

        return new NodeV1.LightBlock { Header = header, Commit = commit, ValidatorSet = validators };
    }

    private static Google.Protobuf.WellKnownTypes.Timestamp Time(Phoenix.Protocol.Primitives.Timestamp t) => new() { Seconds = t.Seconds, Nanos = t.Nanos };

    private static NodeV1.LightBlockId ToProto(BlockId id) => new()
    {
        Hash = ByteString.CopyFrom(id.Hash),
        PartSetHeader = new NodeV1.LightPartSetHeader { Total = id.PartSetHeader.Total, Hash = ByteString.CopyFrom(id.PartSetHeader.Hash) },
    };
}
