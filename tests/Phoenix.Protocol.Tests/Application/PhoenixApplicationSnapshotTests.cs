using System.Security.Cryptography;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Application;

public sealed class PhoenixApplicationSnapshotTests
{
    private sealed class Chain
    {
        private readonly Dictionary<string, ulong> _sequences = [];

        public Chain(SnapshotOptions? snapshots = null, IKeyValueStore? store = null)
        {
            var builder = new PhoenixApplicationBuilder().AddStandardModules().UseStore(store ?? new InMemoryKeyValueStore());
            if (snapshots is not null)
            {
                builder.UseSnapshots(snapshots);
            }

            App = builder.Build();
            Genesis = ModuleChain.StandardGenesis().Build();
            App.InitChain(new InitChainRequest(Genesis.GenesisTime, Genesis.ChainId, null, [], Genesis.ToJson(), 1));
        }

        public PhoenixApplication App { get; }

        public Protocol.Genesis.Genesis Genesis { get; }

        public byte[] Transfer(TestKey from, TestKey to, ulong amount)
        {
            _sequences.TryGetValue(from.Name, out var seq);
            _sequences[from.Name] = seq + 1;
            return Build.A.Transfer.From(from).To(to).Amount(amount, Denom.Phnx).Sequence(seq).ChainId(ModuleChain.Chain).Signed();
        }

        public static FinalizeBlockRequest BlockRequest(long height, params byte[][] txs) => new(
            [.. txs.Select(t => (ReadOnlyMemory<byte>)t)], CommitInfo.Empty, [], SHA256.HashData(BitConverter.GetBytes(height)), height,
            TestChain.GenesisTime.AddSeconds(5 * height), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);

        public FinalizeBlockResponse Block(params byte[][] txs)
        {
            var r = App.FinalizeBlock(BlockRequest(App.LastHeight + 1, txs));
            App.Commit();
            return r;
        }

        /// <summary>Four blocks of transfers between fresh and existing accounts (so state has many keys).</summary>
        public void RunBlocks(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var r = Block(
                    Transfer(TestKeys.Alice, TestKeys.Numbered(500 + (int)App.LastHeight), 1_000 + (ulong)i),
                    Transfer(TestKeys.Bob, TestKeys.Carol, 7),
                    Transfer(TestKeys.Carol, TestKeys.Numbered(600 + (int)App.LastHeight), 3));
                Assert.All(r.TxResults, t => Assert.True(t.IsOk, t.Log));
            }
        }
    }

    private static PhoenixApplication Fresh() => new PhoenixApplicationBuilder().AddStandardModules().Build();

    private static byte[][] LoadChunks(PhoenixApplication source, Snapshot snapshot) =>
        [.. Enumerable.Range(0, (int)snapshot.Chunks).Select(i => source.LoadSnapshotChunk(new LoadSnapshotChunkRequest(snapshot.Height, snapshot.Format, (uint)i)).Chunk.ToArray())];

    private static void AssertUnrestored(PhoenixApplication app)
    {
        var info = app.Info(new InfoRequest());
        Assert.Equal(0, info.LastBlockHeight);
        Assert.True(info.LastBlockAppHash.IsEmpty);
        Assert.Equal(string.Empty, app.ChainId);
    }

    [Fact]
    public void Commit_AtEveryInterval_TakesSnapshotsAndKeepsTheMostRecent()
    {
        var chain = new Chain(new SnapshotOptions { Interval = 2, KeepRecent = 2, ChunkBytes = 1024 });
        var roots = new Dictionary<long, byte[]>();
        for (var h = 1; h <= 7; h++)
        {
            chain.RunBlocks(1);
            roots[h] = chain.App.LastAppHash.ToArray();
        }

        var snapshots = chain.App.ListSnapshots().Snapshots;

        Assert.Equal([6UL, 4UL], snapshots.Select(s => s.Height));
        foreach (var s in snapshots)
        {
            Assert.Equal(StateSnapshotFormat.Format, s.Format);
            Assert.Equal(SHA256.HashData(s.Metadata.Span), s.Hash.ToArray());
            Assert.True(StateSnapshotFormat.TryDecodeMetadata(s.Metadata.Span, out var metadata));
            Assert.Equal((long)s.Height, metadata!.Height);
            Assert.Equal(roots[(long)s.Height], metadata.AppHash.ToArray());
            Assert.Equal((int)s.Chunks, metadata.ChunkHashes.Count);
            Assert.True(s.Chunks > 1, "1 KiB chunks should split the standard-module state");
            var chunks = LoadChunks(chain.App, s);
            Assert.Equal(metadata.ChunkHashes.Select(h => h.ToArray()), chunks.Select(c => SHA256.HashData(c)));
        }

        Assert.True(chain.App.LoadSnapshotChunk(new LoadSnapshotChunkRequest(2, StateSnapshotFormat.Format, 0)).Chunk.IsEmpty, "the snapshot at height 2 should have been pruned");
        Assert.True(chain.App.LoadSnapshotChunk(new LoadSnapshotChunkRequest(6, StateSnapshotFormat.Format + 1, 0)).Chunk.IsEmpty);
    }

    [Fact]
    public void Snapshots_Off_ListsNone()
    {
        var chain = new Chain();
        chain.RunBlocks(3);
        Assert.Empty(chain.App.ListSnapshots().Snapshots);
    }

    [Fact]
    public void Snapshots_SurviveRestartOnTheSameStore()
    {
        var store = new InMemoryKeyValueStore();
        var chain = new Chain(new SnapshotOptions { Interval = 3 }, store);
        chain.RunBlocks(3);
        var before = chain.App.ListSnapshots().Snapshots.Single();
        var restarted = new PhoenixApplicationBuilder().AddStandardModules().UseStore(store).Build();
        var after = restarted.ListSnapshots().Snapshots.Single();
        Assert.Equal(before.Hash.ToArray(), after.Hash.ToArray());
        Assert.Equal(LoadChunks(chain.App, before), LoadChunks(restarted, after));
    }

    [Fact]
    public void Restore_FreshApp_ReportsSameHeightAndHash_ThenAppliesBlocksIdentically()
    {
        var source = new Chain(new SnapshotOptions { Interval = 4, ChunkBytes = 512 });
        source.RunBlocks(4);
        var snapshot = source.App.ListSnapshots().Snapshots.Single();
        var fresh = Fresh();

        Assert.Equal(OfferSnapshotResult.Accept, fresh.OfferSnapshot(new OfferSnapshotRequest(snapshot, source.App.LastAppHash.ToArray())).Result);
        Assert.True(fresh.IsRestoring);
        var chunks = LoadChunks(source.App, snapshot);
        for (var i = 0; i < chunks.Length; i++)
        {
            var r = fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest((uint)i, chunks[i], "peer-a"));
            Assert.Equal(ApplySnapshotChunkResult.Accept, r.Result);
            Assert.Equal(i == chunks.Length - 1 ? 4 : 0, fresh.Info(new InfoRequest()).LastBlockHeight);
        }

        var info = fresh.Info(new InfoRequest());
        Assert.False(fresh.IsRestoring);
        Assert.Equal(4, info.LastBlockHeight);
        Assert.Equal(source.App.LastAppHash.ToArray(), info.LastBlockAppHash.ToArray());
        Assert.Equal(ModuleChain.Chain, fresh.ChainId);
        Assert.Equal(source.App.Parameters, fresh.Parameters);
        Assert.Equal(source.App.LastBlockTime, fresh.LastBlockTime);
        Assert.Empty(fresh.CheckInvariants());
        Assert.Equal(BankModule.GetBalance(source.App.CommittedState, TestKeys.Carol.Address, Denom.Phnx), BankModule.GetBalance(fresh.CommittedState, TestKeys.Carol.Address, Denom.Phnx));

        // Proven queries work on the restored state, against the restored app hash.
        var query = fresh.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, $"/auth/account/{TestKeys.Carol.Address}", Prove: true));
        Assert.Equal(0u, query.Code);
        Assert.Equal(4, query.Height);
        Assert.Equal(source.App.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, $"/auth/account/{TestKeys.Carol.Address}")).Value.ToArray(), query.Value.ToArray());
        Assert.True(StateProof.TryParse(Assert.Single(query.ProofOps).Data.Span, out var proof));
        Assert.True(proof!.VerifyInclusion(new Hash32(info.LastBlockAppHash.Span), query.Key.Span, query.Value.Span));

        for (var h = 5; h <= 7; h++)
        {
            byte[][] txs = [source.Transfer(TestKeys.Alice, TestKeys.Dave, 11), source.Transfer(TestKeys.Bob, TestKeys.Alice, 13)];
            var expected = source.App.FinalizeBlock(Chain.BlockRequest(h, txs));
            source.App.Commit();
            var actual = fresh.FinalizeBlock(Chain.BlockRequest(h, txs));
            fresh.Commit();
            Assert.All(actual.TxResults, t => Assert.True(t.IsOk, t.Log));
            Assert.Equal(expected.AppHash.ToArray(), actual.AppHash.ToArray());
            Assert.Equal(expected.TxResults.Select(t => t.Code), actual.TxResults.Select(t => t.Code));
        }

        Assert.Equal(source.App.LastAppHash, fresh.LastAppHash);
    }

    [Fact]
    public void ApplySnapshotChunk_CorruptedChunk_RetriesFromAnotherSenderAndLeavesAppUnrestored()
    {
        var source = new Chain(new SnapshotOptions { Interval = 2, ChunkBytes = 512 });
        source.RunBlocks(2);
        var snapshot = source.App.ListSnapshots().Snapshots.Single();
        var chunks = LoadChunks(source.App, snapshot);
        var fresh = Fresh();
        Assert.Equal(OfferSnapshotResult.Accept, fresh.OfferSnapshot(new OfferSnapshotRequest(snapshot, source.App.LastAppHash.ToArray())).Result);
        Assert.Equal(ApplySnapshotChunkResult.Accept, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(0, chunks[0], "good")).Result);

        var corrupted = (byte[])chunks[1].Clone();
        corrupted[corrupted.Length / 2] ^= 0x40;
        var r = fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(1, corrupted, "liar"));

        Assert.Equal(ApplySnapshotChunkResult.Retry, r.Result);
        Assert.Equal([1u], r.RefetchChunks);
        Assert.Equal(["liar"], r.RejectSenders);
        AssertUnrestored(fresh);

        // The refetched, correct chunk continues the restore.
        for (var i = 1; i < chunks.Length; i++)
        {
            Assert.Equal(ApplySnapshotChunkResult.Accept, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest((uint)i, chunks[i], "good")).Result);
        }

        Assert.Equal(source.App.LastAppHash.ToArray(), fresh.Info(new InfoRequest()).LastBlockAppHash.ToArray());
    }

    [Fact]
    public void ApplySnapshotChunk_EntriesThatDoNotReproduceTheAppHash_RejectsSnapshotAndLeavesAppUnrestored()
    {
        var source = new Chain(new SnapshotOptions { Interval = 2 });
        source.RunBlocks(2);
        var original = source.App.ListSnapshots().Snapshots.Single();
        var chunk = LoadChunks(source.App, original).Single();
        Assert.True(StateSnapshotFormat.TryDecodeChunk(chunk, null, out var entries));

        // A self-consistent snapshot (chunk hashes and snapshot hash match) whose state was altered: one value changed.
        entries[entries.Count / 2] = new KeyValuePair<byte[], byte[]>(entries[entries.Count / 2].Key, [.. entries[entries.Count / 2].Value, 0x01]);
        var forgedChunks = StateSnapshotFormat.EncodeChunks(entries, 1 << 20);
        var metadata = StateSnapshotFormat.EncodeMetadata(new StateSnapshotMetadata(2, source.App.LastAppHash, (ulong)entries.Count, [.. forgedChunks.Select(c => Hash32.Sha256(c))]));
        var forged = new Snapshot(2, StateSnapshotFormat.Format, (uint)forgedChunks.Count, SHA256.HashData(metadata), metadata);
        var fresh = Fresh();

        Assert.Equal(OfferSnapshotResult.Accept, fresh.OfferSnapshot(new OfferSnapshotRequest(forged, source.App.LastAppHash.ToArray())).Result);
        Assert.Equal(ApplySnapshotChunkResult.RejectSnapshot, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(0, forgedChunks[0], "peer")).Result);

        AssertUnrestored(fresh);
        Assert.False(fresh.IsRestoring);

        // The genuine snapshot still restores on the same instance afterwards.
        Assert.Equal(OfferSnapshotResult.Accept, fresh.OfferSnapshot(new OfferSnapshotRequest(original, source.App.LastAppHash.ToArray())).Result);
        Assert.Equal(ApplySnapshotChunkResult.Accept, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(0, chunk, "peer")).Result);
        Assert.Equal(2, fresh.Info(new InfoRequest()).LastBlockHeight);
    }

    [Fact]
    public void ApplySnapshotChunk_ChunkMatchingItsHashButMalformed_RejectsSnapshot()
    {
        byte[] garbage = [0x05, 0x61]; // claims a 5-byte key, holds 1 byte
        var metadata = StateSnapshotFormat.EncodeMetadata(new StateSnapshotMetadata(3, Hash32.Sha256("root"u8), 1, [Hash32.Sha256(garbage)]));
        var snapshot = new Snapshot(3, StateSnapshotFormat.Format, 1, SHA256.HashData(metadata), metadata);
        var fresh = Fresh();
        Assert.Equal(OfferSnapshotResult.Accept, fresh.OfferSnapshot(new OfferSnapshotRequest(snapshot, Hash32.Sha256("root"u8).ToArray())).Result);
        Assert.Equal(ApplySnapshotChunkResult.RejectSnapshot, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(0, garbage, "peer")).Result);
        AssertUnrestored(fresh);
    }

    [Fact]
    public void OfferSnapshot_MismatchedOffers_AreRejectedWithoutStartingARestore()
    {
        var source = new Chain(new SnapshotOptions { Interval = 2 });
        source.RunBlocks(2);
        var good = source.App.ListSnapshots().Snapshots.Single();
        var appHash = source.App.LastAppHash.ToArray();
        var otherHash = (byte[])appHash.Clone();
        otherHash[0] ^= 1;
        var tamperedMetadata = good.Metadata.ToArray();
        tamperedMetadata[^1] ^= 1; // a chunk hash
        var otherRootMetadata = good.Metadata.ToArray();
        otherRootMetadata[8] ^= 1; // the app hash
        var fresh = Fresh();

        Assert.Equal(OfferSnapshotResult.RejectFormat, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Format = 2 }, appHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good, otherHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good, appHash.AsMemory(0, 31))).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Metadata = tamperedMetadata }, appHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Metadata = otherRootMetadata, Hash = SHA256.HashData(otherRootMetadata) }, appHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Height = 3 }, appHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Chunks = good.Chunks + 1 }, appHash)).Result);
        Assert.Equal(OfferSnapshotResult.Reject, fresh.OfferSnapshot(new OfferSnapshotRequest(good with { Metadata = new byte[7], Hash = SHA256.HashData(new byte[7]) }, appHash)).Result);

        Assert.False(fresh.IsRestoring);
        Assert.Equal(ApplySnapshotChunkResult.Abort, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(0, LoadChunks(source.App, good)[0], "peer")).Result);
        AssertUnrestored(fresh);
    }

    [Fact]
    public void OfferSnapshot_AppWithState_Aborts()
    {
        var source = new Chain(new SnapshotOptions { Interval = 2 });
        source.RunBlocks(2);
        var other = new Chain();
        var before = other.App.Info(new InfoRequest());

        var result = other.App.OfferSnapshot(new OfferSnapshotRequest(source.App.ListSnapshots().Snapshots.Single(), source.App.LastAppHash.ToArray())).Result;

        Assert.Equal(OfferSnapshotResult.Abort, result);
        Assert.Equal(before.LastBlockAppHash.ToArray(), other.App.Info(new InfoRequest()).LastBlockAppHash.ToArray());
    }

    [Fact]
    public void ApplySnapshotChunk_OutOfOrderOrOutOfRange_RestartsOrAborts()
    {
        var source = new Chain(new SnapshotOptions { Interval = 2, ChunkBytes = 512 });
        source.RunBlocks(2);
        var snapshot = source.App.ListSnapshots().Snapshots.Single();
        var chunks = LoadChunks(source.App, snapshot);
        Assert.True(chunks.Length >= 3);
        var fresh = Fresh();
        fresh.OfferSnapshot(new OfferSnapshotRequest(snapshot, source.App.LastAppHash.ToArray()));

        Assert.Equal(ApplySnapshotChunkResult.RetrySnapshot, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest(2, chunks[2], "peer")).Result);
        Assert.Equal(ApplySnapshotChunkResult.Abort, fresh.ApplySnapshotChunk(new ApplySnapshotChunkRequest((uint)chunks.Length, chunks[0], "peer")).Result);
        AssertUnrestored(fresh);
    }

    [Fact]
    public void UseSnapshots_InvalidSettings_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoenixApplicationBuilder().UseSnapshots(new SnapshotOptions { Interval = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoenixApplicationBuilder().UseSnapshots(new SnapshotOptions { KeepRecent = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhoenixApplicationBuilder().UseSnapshots(new SnapshotOptions { ChunkBytes = 32 * 1024 * 1024 }));
    }
}
