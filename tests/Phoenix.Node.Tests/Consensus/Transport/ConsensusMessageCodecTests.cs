using FsCheck.Xunit;
using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Node.Tests.Consensus.Tendermint;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Consensus.Transport;

public class ConsensusMessageCodecTests
{
    [Fact]
    public void TryDecode_OversizedInput_RejectedBeforeParsing()
    {
        Assert.Equal(MessageDecodeError.Oversized, ConsensusMessageCodec.TryDecode(new byte[101], 100, out var m));
        Assert.Null(m);
    }

    [Fact]
    public void TryDecode_EmptyOrGarbage_Malformed()
    {
        Assert.Equal(MessageDecodeError.Malformed, ConsensusMessageCodec.TryDecode([], 100, out _));
        Assert.Equal(MessageDecodeError.Malformed, ConsensusMessageCodec.TryDecode([0xff, 0xff, 0xff], 100, out _));
    }

    [Fact]
    public void TryDecode_VoteWithShortSignature_Invalid()
    {
        var vote = new Vote(SignedMsgType.Prevote, 1, 0, BlockId.Nil, new Timestamp(5, 0), new byte[20], 0, new byte[63]);
        Assert.Equal(MessageDecodeError.Invalid, ConsensusMessageCodec.TryDecode(ConsensusMessageCodec.Encode(new VoteMessage(vote)), 1000, out _));
    }

    [Property(MaxTest = 200)]
    public bool TryDecode_RandomBytes_NeverThrows(byte[] bytes)
    {
        var result = ConsensusMessageCodec.TryDecode(bytes ?? [], 1 << 20, out var message);
        return result == MessageDecodeError.None ? message is not null : message is null;
    }

    [Fact]
    public void EncodeDecode_Vote_RoundTrips()
    {
        var vote = new Vote(SignedMsgType.Precommit, 7, 2, new BlockId(new byte[32], new PartSetHeader(1, new byte[32])), new Timestamp(5, 9), new byte[20], 3, new byte[64]);
        Assert.Equal(MessageDecodeError.None, ConsensusMessageCodec.TryDecode(ConsensusMessageCodec.Encode(new VoteMessage(vote)), 1000, out var decoded));
        Assert.Equal(vote, Assert.IsType<VoteMessage>(decoded).Vote);
    }

    [Fact]
    public void HandleMessage_MalformedOversizedAndReplayedFromPeer_RejectedWithoutDisruption()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 41 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(3), TimeSpan.FromMinutes(1)), "expected height 3");
        var target = SimulationHarness.NodeId(0);
        Assert.Equal(MessageOutcome.RejectedMalformed, h.Network.Inject("mallory", target, [0x0a, 0xff, 0xff, 0xff]));
        Assert.Equal(MessageOutcome.RejectedOversized, h.Network.Inject("mallory", target, new byte[ConsensusMessageCodec.DefaultMaxMessageBytes + 1]));

        // A vote with a forged signature, and one replayed from an old height.
        var engine = h.Network.Nodes[target].Engine;
        var oldVote = engine.LastCommit.GetVote(engine.LastCommit.Signatures.ToList().FindIndex(s => s.Flag == Phoenix.Protocol.Abci.BlockIdFlag.Commit));
        var forged = oldVote with { Height = engine.Height, Round = engine.Round, Signature = new byte[64] };
        Assert.Equal(MessageOutcome.RejectedInvalid, h.Network.Inject("mallory", target, ConsensusMessageCodec.Encode(new VoteMessage(forged))));
        Assert.Equal(MessageOutcome.Ignored, h.Network.Inject("mallory", target, ConsensusMessageCodec.Encode(new VoteMessage(oldVote))));

        // Flood: the same current vote replayed many times is a duplicate after the first.
        Assert.True(h.Network.RunUntil(() => engine.Step >= RoundStep.Prevote, TimeSpan.FromSeconds(5)), "expected a prevote step");
        var before = h.MinHeight();
        Assert.True(h.Network.RunUntil(() => h.AllReached(before + 3), TimeSpan.FromMinutes(1)), "expected the chain to keep committing");
        var current = h.Stores[target].LoadBlock(h.Stores[target].Height)!.SeenCommit;
        var replayed = ConsensusMessageCodec.Encode(new VoteMessage(current.GetVote(current.Signatures.ToList().FindIndex(s => s.Flag == Phoenix.Protocol.Abci.BlockIdFlag.Commit))));
        var outcomes = Enumerable.Range(0, 50).Select(_ => h.Network.Inject(SimulationHarness.NodeId(1), SimulationHarness.NodeId(3), replayed)).ToList();
        Assert.All(outcomes, o => Assert.NotEqual(MessageOutcome.Accepted, o));
        h.AssertAgreement();
    }
}
