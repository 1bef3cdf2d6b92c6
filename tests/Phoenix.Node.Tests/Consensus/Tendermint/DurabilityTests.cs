using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit.Abci;

namespace Phoenix.Node.Tests.Consensus.Tendermint;

public sealed class DurabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("phx-consensus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Vote UnsignedVote(SignedMsgType type, long height, int round, BlockId id, Timestamp time, byte[] address)
        => new(type, height, round, id, time, address, 0, []);

    private static BlockId SomeBlock(byte b) => new(Enumerable.Repeat(b, 32).ToArray(), new PartSetHeader(1, Enumerable.Repeat(b, 32).ToArray()));

    [Fact]
    public void TrySignVote_ConflictingVoteAfterReopen_Refused()
    {
        var seed = SimulationHarness.Seed(0);
        var path = Path.Combine(_dir, "signer.json");
        var address = Validator.AddressOf(Ed25519.GetPublicKey(seed));
        var time = new Timestamp(1_700_000_000, 0);
        Vote? first;
        using (var signer = FilePrivValidator.Open(seed, path))
        {
            Assert.True(signer.TrySignVote("c", UnsignedVote(SignedMsgType.Prevote, 5, 0, SomeBlock(1), time, address), out first));
        }

        // "kill -9" and restart: a new instance reads the file.
        using var reopened = FilePrivValidator.Open(seed, path);
        Assert.False(reopened.TrySignVote("c", UnsignedVote(SignedMsgType.Prevote, 5, 0, SomeBlock(2), time, address), out _));
        Assert.False(reopened.TrySignVote("c", UnsignedVote(SignedMsgType.Prevote, 5, 0, BlockId.Nil, time, address), out _));
        Assert.False(reopened.TrySignVote("c", UnsignedVote(SignedMsgType.Precommit, 4, 9, SomeBlock(2), time, address), out _));

        // The same vote again (even with a later timestamp) gets the stored signature and timestamp.
        Assert.True(reopened.TrySignVote("c", UnsignedVote(SignedMsgType.Prevote, 5, 0, SomeBlock(1), time.AddSeconds(3), address), out var again));
        Assert.Equal(first!.Signature, again!.Signature);
        Assert.Equal(time, again.Timestamp);
        Assert.True(again.Verify("c", reopened.PublicKey));

        // Moving on is allowed.
        Assert.True(reopened.TrySignVote("c", UnsignedVote(SignedMsgType.Precommit, 5, 0, SomeBlock(1), time, address), out _));
        Assert.Equal((5L, 0, 3), reopened.LastSigned);
    }

    [Fact]
    public void Open_CorruptedSignerState_RefusesWithClearMessage()
    {
        var path = Path.Combine(_dir, "signer.json");
        File.WriteAllText(path, "{ not json");
        var ex = Assert.Throws<InvalidDataException>(() => FilePrivValidator.Open(SimulationHarness.Seed(0), path));
        Assert.Contains("corrupted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAfterEndHeight_RecordsRoundTripAndTornTailIgnored()
    {
        var path = Path.Combine(_dir, "cs.wal");
        var timeout = new TimeoutInfo(3, 1, RoundStep.Prevote, TimeSpan.FromMilliseconds(1500));
        using (var wal = new FileConsensusWal(path))
        {
            wal.Write(new WalEndHeight(1), sync: true);
            wal.Write(new WalMessage("peer-a", [1, 2, 3]), sync: false);
            wal.Write(new WalEndHeight(2), sync: true);
            wal.Write(new WalMessage("", [4, 5]), sync: true);
            wal.Write(new WalTimeout(timeout), sync: false);
        }

        File.AppendAllBytes(path, [0, 0, 0, 1, 0, 0, 0, 9, 1]); // a record torn by a crash mid-write
        using var reopened = new FileConsensusWal(path);
        var records = reopened.ReadAfterEndHeight(2);
        Assert.Equal(2, records.Count);
        Assert.Equal([4, 5], Assert.IsType<WalMessage>(records[0]).Envelope);
        Assert.Equal(timeout, Assert.IsType<WalTimeout>(records[1]).Timeout);
        Assert.Single(reopened.ReadAfterEndHeight(1).OfType<WalMessage>(), m => m.PeerId == "peer-a");
        Assert.Empty(reopened.ReadAfterEndHeight(7));
    }

    [Fact]
    public void ReadAll_FlippedBitInsideRecord_ThrowsCorruptionWithOffset()
    {
        var path = Path.Combine(_dir, "cs.wal");
        using (var wal = new FileConsensusWal(path))
        {
            wal.Write(new WalMessage("peer", new byte[100]), sync: true);
        }

        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<WalCorruptedException>(() => FileConsensusWal.ReadAll(path));
        Assert.True(ex.Offset > 0);
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_ValidatorKilledMidRun_ReplaysWalAndNeverDoubleSigns()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 31 });
        var victim = SimulationHarness.NodeId(2);
        var statePath = Path.Combine(_dir, "signer.json");
        var walPath = Path.Combine(_dir, "cs.wal");
        h.Signers[victim] = FilePrivValidator.Open(h.Seeds[2], statePath);
        var wal = new FileConsensusWal(walPath);
        var app = h.Apps[victim];
        h.Network.Restart(victim, (outbox, clock) => h.CreateEngine(victim, outbox, clock, app, wal));
        h.Network.StartAll();

        // Record every vote each validator sends, to check no two differ for one height/round/type.
        var sent = new Dictionary<(string, long, int, SignedMsgType), BlockId>();
        var conflicts = new List<string>();
        h.Network.OutgoingInterceptor = (from, message) =>
        {
            if (message is VoteMessage { Vote: var v })
            {
                var key = (from, v.Height, v.Round, v.Type);
                if (sent.TryGetValue(key, out var earlier) && !earlier.Equals(v.BlockId))
                {
                    conflicts.Add($"{from} h{v.Height} r{v.Round} {v.Type}");
                }

                sent[key] = v.BlockId;
            }

            return [message];
        };

        Assert.True(h.Network.RunUntil(() => h.AllReached(8), TimeSpan.FromMinutes(1)), "expected height 8 before the kill");
        // Kill at an arbitrary instant: in the middle of a height, after it has voted.
        Assert.True(h.Network.RunUntil(() => h.Network.Nodes[victim].Engine.Step >= RoundStep.Prevote, TimeSpan.FromSeconds(10)), "expected the victim to be mid-round");
        h.Network.Stop(victim);
        wal.Dispose();
        ((IDisposable)h.Signers[victim]).Dispose();

        h.Signers[victim] = FilePrivValidator.Open(h.Seeds[2], statePath);
        var wal2 = new FileConsensusWal(walPath);
        var freshApp = new KvStoreApplication();
        h.Apps[victim] = freshApp;
        h.Network.Restart(victim, (outbox, clock) => h.CreateEngine(victim, outbox, clock, freshApp, wal2));
        var target = h.MinHeight() + 5;
        Assert.True(h.Network.RunUntil(() => h.AllReached(target), TimeSpan.FromMinutes(1)), $"expected everyone at {target} after the restart, min {h.MinHeight()}");
        Assert.Empty(conflicts);
        h.AssertAgreement();
        Assert.All(h.Apps.Values.Where(a => a != freshApp), a => Assert.Empty(a.Misbehavior));
        wal2.Dispose();
    }
}
