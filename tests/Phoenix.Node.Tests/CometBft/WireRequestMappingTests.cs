using Google.Protobuf;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Protocol.Abci;
using V038 = Phoenix.Node.CometBft.Wire.V038;
using V1 = Phoenix.Node.CometBft.Wire.V1;
using WellKnown = Google.Protobuf.WellKnownTypes;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>Every request field reaches the domain type unswapped (each field gets a distinct value).</summary>
public sealed class WireRequestMappingTests
{
    private static ByteString B(byte fill, int length = 4) => ByteString.CopyFrom(Enumerable.Repeat(fill, length).ToArray());

    private static string H(ByteString value) => Convert.ToHexString(value.Span);

    private static string H(ReadOnlyMemory<byte> value) => Convert.ToHexString(value.Span);

    [Fact]
    public void FinalizeBlockV038_AllFields_MapToDomain()
    {
        var wire = new V038.RequestFinalizeBlock
        {
            DecidedLastCommit = new V038.CommitInfo { Round = 3 },
            Hash = B(1),
            Height = 9,
            Time = new WellKnown.Timestamp { Seconds = 100, Nanos = 7 },
            NextValidatorsHash = B(2),
            ProposerAddress = B(3),
        };
        wire.Txs.Add([B(4), B(5)]);
        wire.DecidedLastCommit.Votes.Add(new V038.VoteInfo { Validator = new V038.Validator { Address = B(6), Power = 11 }, BlockIdFlag = V038.BlockIDFlag.Nil });
        wire.Misbehavior.Add(new V038.Misbehavior { Type = V038.MisbehaviorType.LightClientAttack, Height = 8, TotalVotingPower = 50, Validator = new V038.Validator { Address = B(7), Power = 12 }, Time = new WellKnown.Timestamp { Seconds = 90 } });

        var d = WireV038.ToDomain(wire);
        Assert.Equal([[4, 4, 4, 4], [5, 5, 5, 5]], d.Txs.Select(t => t.ToArray()));
        Assert.Equal(3, d.DecidedLastCommit.Round);
        var vote = Assert.Single(d.DecidedLastCommit.Votes);
        Assert.Equal(B(6).ToByteArray(), vote.Validator.Address.ToArray());
        Assert.Equal(11, vote.Validator.Power);
        Assert.Equal(BlockIdFlag.Nil, vote.Flag);
        var m = Assert.Single(d.Misbehavior);
        Assert.Equal((MisbehaviorType.LightClientAttack, 8L, 50L, 12L), (m.Type, m.Height, m.TotalVotingPower, m.Validator.Power));
        Assert.Equal(B(1).ToByteArray(), d.Hash.ToArray());
        Assert.Equal(9, d.Height);
        Assert.Equal(new Phoenix.Protocol.Primitives.Timestamp(100, 7), d.Time);
        Assert.Equal(B(2).ToByteArray(), d.NextValidatorsHash.ToArray());
        Assert.Equal(B(3).ToByteArray(), d.ProposerAddress.ToArray());
        Assert.Equal(9, d.SyncingToHeight);
    }

    [Fact]
    public void PrepareProposalV1_AllFields_MapToDomain()
    {
        var wire = new V1.PrepareProposalRequest
        {
            MaxTxBytes = 1234,
            LocalLastCommit = new V1.ExtendedCommitInfo { Round = 2 },
            Height = 5,
            Time = new WellKnown.Timestamp { Seconds = 60 },
            NextValidatorsHash = B(1),
            ProposerAddress = B(2),
        };
        wire.Txs.Add(B(3));
        wire.LocalLastCommit.Votes.Add(new V1.ExtendedVoteInfo { Validator = new V1.Validator { Address = B(4), Power = 9 }, VoteExtension = B(5), ExtensionSignature = B(6), BlockIdFlag = V1.BlockIDFlag.Commit });

        var d = WireV1.ToDomain(wire);
        Assert.Equal(1234, d.MaxTxBytes);
        Assert.Equal(B(3).ToByteArray(), Assert.Single(d.Txs).ToArray());
        Assert.Equal(2, d.LocalLastCommit.Round);
        var v = Assert.Single(d.LocalLastCommit.Votes);
        Assert.Equal((H(B(4)), 9L, H(B(5)), H(B(6)), BlockIdFlag.Commit), (H(v.Validator.Address), v.Validator.Power, H(v.VoteExtension), H(v.ExtensionSignature), v.Flag));
        Assert.Equal(5, d.Height);
        Assert.Equal(60, d.Time.Seconds);
        Assert.Equal(B(1).ToByteArray(), d.NextValidatorsHash.ToArray());
        Assert.Equal(B(2).ToByteArray(), d.ProposerAddress.ToArray());
    }

    [Fact]
    public void ExtendAndVerifyVoteV038_AllFields_MapToDomain()
    {
        var ext = WireV038.ToDomain(new V038.RequestExtendVote { Hash = B(1), Height = 4, Time = new WellKnown.Timestamp { Seconds = 3 }, NextValidatorsHash = B(2), ProposerAddress = B(3), ProposedLastCommit = new V038.CommitInfo { Round = 1 } });
        Assert.Equal((H(B(1)), 4L, 3L, H(B(2)), H(B(3)), 1), (H(ext.Hash), ext.Height, ext.Time.Seconds, H(ext.NextValidatorsHash), H(ext.ProposerAddress), ext.ProposedLastCommit.Round));

        var verify = WireV038.ToDomain(new V038.RequestVerifyVoteExtension { Hash = B(1), ValidatorAddress = B(2), Height = 6, VoteExtension = B(3) });
        Assert.Equal((H(B(1)), H(B(2)), 6L, H(B(3))), (H(verify.Hash), H(verify.ValidatorAddress), verify.Height, H(verify.VoteExtension)));
    }

    [Fact]
    public void InfoQueryAndSnapshotRequestsV1_AllFields_MapToDomain()
    {
        var info = WireV1.ToDomain(new V1.InfoRequest { Version = "1.0.1", BlockVersion = 11, P2PVersion = 9, AbciVersion = "2.1.0" });
        Assert.Equal(new InfoRequest("1.0.1", 11, 9, "2.1.0"), info);

        var query = WireV1.ToDomain(new V1.QueryRequest { Data = B(1), Path = "/store", Height = 7, Prove = true });
        Assert.Equal((H(B(1)), "/store", 7L, true), (H(query.Data), query.Path, query.Height, query.Prove));

        var offer = WireV1.ToDomain(new V1.OfferSnapshotRequest { Snapshot = new V1.Snapshot { Height = 10, Format = 2, Chunks = 3, Hash = B(4), Metadata = B(5) }, AppHash = B(6) });
        Assert.Equal((10UL, 2u, 3u, H(B(4)), H(B(5)), H(B(6))), (offer.Snapshot.Height, offer.Snapshot.Format, offer.Snapshot.Chunks, H(offer.Snapshot.Hash), H(offer.Snapshot.Metadata), H(offer.AppHash)));
        Assert.Equal(new LoadSnapshotChunkRequest(10, 2, 1), WireV1.ToDomain(new V1.LoadSnapshotChunkRequest { Height = 10, Format = 2, Chunk = 1 }));
        var apply = WireV1.ToDomain(new V1.ApplySnapshotChunkRequest { Index = 2, Chunk = B(7), Sender = "peer" });
        Assert.Equal((2u, H(B(7)), "peer"), (apply.Index, H(apply.Chunk), apply.Sender));
        Assert.Throws<Phoenix.Node.CometBft.AbciMappingException>(() => WireV1.ToDomain(new V1.OfferSnapshotRequest()));
    }

    [Fact]
    public void InitChainV1_AllFields_MapToDomain()
    {
        var wire = new V1.InitChainRequest { Time = new WellKnown.Timestamp { Seconds = 1 }, ChainId = "c", AppStateBytes = B(9), InitialHeight = 100, ConsensusParams = new V1.ConsensusParams { Block = new V1.BlockParams { MaxBytes = 10, MaxGas = 20 } } };
        wire.Validators.Add(new V1.ValidatorUpdate { PubKeyBytes = B(1, 32), PubKeyType = "ed25519", Power = 3 });
        var d = WireV1.ToDomain(wire);
        Assert.Equal((1L, "c", H(B(9)), 100L), (d.Time.Seconds, d.ChainId, H(d.AppStateBytes), d.InitialHeight));
        Assert.Equal(new BlockParams(10, 20), d.ConsensusParams?.Block);
        var v = Assert.Single(d.Validators);
        Assert.Equal((H(B(1, 32)), 3L), (H(v.PublicKey), v.Power));
    }
}
