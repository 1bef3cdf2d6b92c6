using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Phoenix.Node.CometBft;
using Phoenix.Node.Tests.CometBft.Support;
using Phoenix.Protocol.Abci;
using Timestamp = Phoenix.Protocol.Primitives.Timestamp;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>Plays CometBFT's side over both transports and both wire versions.</summary>
public sealed class CometBftAbciServerTests
{
    private const string ChainId = "phoenix-test";
    private const string Genesis = "genesis=1\n";
    private static readonly byte[] ValidatorKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] NewValidatorKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] ValidatorAddress = SHA256.HashData(ValidatorKey)[..20];

    public static TheoryData<AbciTransport, AbciProtocolVersion> Modes => TestServers.AllModes();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FullHeights_CometBftCallOrder_MatchesDirectlyDrivenApplication(AbciTransport transport, AbciProtocolVersion version)
    {
        var recorder = new RecordingAbciApplication(new KvStoreApplication(new KvDurableStore()));
        var reference = new KvStoreApplication(new KvDurableStore());
        await using var server = await TestServers.StartAsync(recorder, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);

        Assert.Equal("hello", await comet.EchoAsync("hello"));
        Assert.Equal(0, (await comet.InfoAsync()).Height);
        var genesisHash = await comet.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
        var referenceInit = reference.InitChain(new InitChainRequest(new Timestamp(1_700_000_000, 0), ChainId, null, [new ValidatorUpdate(ValidatorKey, 10)], Encoding.UTF8.GetBytes(Genesis), 1));
        Assert.Equal(referenceInit.AppHash.ToArray(), genesisHash);

        FinalizeResult? last = null;
        for (long h = 1; h <= 3; h++)
        {
            byte[][] mempool = h switch
            {
                1 => [Tx($"k{h}=v{h}"), Tx("not a kv tx"), Tx("shared=1")],
                2 => [Tx($"val:{Convert.ToHexStringLower(NewValidatorKey)}=5"), Tx("shared=2")],
                _ => [Tx("block_max_gas=5000"), Tx($"k{h}=v{h}")],
            };

            // Mempool and query connections run concurrently with the consensus connection.
            var checkTxs = Task.Run(async () =>
            {
                var results = new List<(uint Code, string Info)>();
                foreach (var tx in mempool)
                {
                    results.Add(await comet.CheckTxAsync(tx, recheck: false));
                }

                return results;
            });
            var query = Task.Run(() => comet.QueryAsync("genesis", prove: false));

            var blockHash = SHA256.HashData(Encoding.UTF8.GetBytes($"block-{h}"));
            var proposal = await comet.PrepareProposalAsync(h, mempool, maxTxBytes: 1 << 20);
            Assert.DoesNotContain(proposal, t => Encoding.UTF8.GetString(t) == "not a kv tx");
            Assert.True(await comet.ProcessProposalAsync(h, proposal, blockHash), $"ProcessProposal at height {h} should accept the prepared block");
            var extension = await comet.ExtendVoteAsync(h, blockHash);
            Assert.True(await comet.VerifyVoteExtensionAsync(h, blockHash, ValidatorAddress, extension), $"own vote extension at height {h} should verify");
            Assert.False(await comet.VerifyVoteExtensionAsync(h, blockHash, ValidatorAddress, Tx("forged")), "a forged vote extension should be rejected");
            last = await comet.FinalizeBlockAsync(h, proposal, blockHash, misbehaverAddress: h == 3 ? ValidatorAddress : null);
            Assert.Equal(0, await comet.CommitAsync());

            var expected = reference.FinalizeBlock(new FinalizeBlockRequest(proposal.Select(t => (ReadOnlyMemory<byte>)t).ToArray(), CommitInfo.Empty, [], blockHash, h, new Timestamp(1_700_000_000 + h, 5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
            reference.Commit();
            Assert.Equal(expected.AppHash.ToArray(), last.AppHash);
            Assert.Equal(expected.TxResults.Select(r => r.Code), last.Codes);

            var checks = await checkTxs;
            Assert.Equal(mempool.Select(t => KvStoreApplication.TryParseTx(t, out _, out _) ? 0u : KvStoreApplication.CodeMalformedTx), checks.Select(c => c.Code));
            Assert.All(checks.Where(c => c.Code == 0), c => Assert.Equal(nameof(CheckTxKind.New), c.Info));
            Assert.Equal("1", Encoding.UTF8.GetString((await query).Value));

            // After Commit CometBFT re-checks the remaining mempool txs.
            Assert.Equal((0u, nameof(CheckTxKind.Recheck)), await comet.CheckTxAsync(mempool[^1], recheck: true));

            if (h == 2)
            {
                var update = Assert.Single(last.ValidatorUpdates);
                Assert.Equal(NewValidatorKey, update.Key);
                Assert.Equal(5, update.Power);
            }
        }

        Assert.NotNull(last);
        Assert.Equal(5000, last.MaxGasUpdate);
        Assert.Equal(["slash"], last.BlockEventTypes);
        var info = await comet.InfoAsync();
        Assert.Equal(3, info.Height);
        Assert.Equal(last.AppHash, info.AppHash);

        var proven = await comet.QueryAsync("shared", prove: true);
        Assert.Equal(0u, proven.Code);
        Assert.Equal(3, proven.Height);
        Assert.Equal("2", Encoding.UTF8.GetString(proven.Value));
        var op = Assert.Single(proven.Proof);
        Assert.Equal(KvStoreApplication.ProofType, op.Type);
        Assert.Equal(info.AppHash, SHA256.HashData(op.Data));
        Assert.Contains(Convert.ToHexString(KvStoreApplication.Leaf("shared", "2")), Convert.ToHexString(op.Data), StringComparison.Ordinal);
        Assert.Equal(KvStoreApplication.CodeNotFound, (await comet.QueryAsync("missing", prove: false)).Code);

        string[] height = ["PrepareProposal", "ProcessProposal", "ExtendVote", "VerifyVoteExtension", "VerifyVoteExtension", "FinalizeBlock", "Commit"];
        Assert.Equal(["InitChain", .. height, .. height, .. height], recorder.ConsensusCalls);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Restart_BetweenFinalizeBlockAndCommit_InfoReportsLastCommitAndReplayConverges(AbciTransport transport, AbciProtocolVersion version)
    {
        var disk = new KvDurableStore();
        byte[] committedHash;
        FinalizeResult crashed;
        await using (var server = await TestServers.StartAsync(new KvStoreApplication(disk), transport, version))
        await using (var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version))
        {
            await comet.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
            committedHash = (await RunHeightAsync(comet, 1)).AppHash;
            committedHash = (await RunHeightAsync(comet, 2)).AppHash;
            crashed = await comet.FinalizeBlockAsync(3, Block(3), Hash(3));

            // Crash: the process dies before Commit; only what Commit persisted survives.
        }

        await using var restarted = await TestServers.StartAsync(new KvStoreApplication(disk), transport, version);
        await using var comet2 = await CometBftSide.ConnectAsync(restarted.ListenAddress, transport, version);
        var info = await comet2.InfoAsync();
        Assert.Equal(2, info.Height);
        Assert.Equal(committedHash, info.AppHash);

        // CometBFT's handshake replays the block it has but the app did not commit.
        var replayed = await comet2.FinalizeBlockAsync(3, Block(3), Hash(3));
        Assert.Equal(crashed.AppHash, replayed.AppHash);
        Assert.Equal(crashed.Codes, replayed.Codes);
        await comet2.CommitAsync();
        var after = await comet2.InfoAsync();
        Assert.Equal(3, after.Height);
        Assert.Equal(crashed.AppHash, after.AppHash);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task StateSync_SnapshotFromPeer_FreshInstanceRestoresSameAppHash(AbciTransport transport, AbciProtocolVersion version)
    {
        await using var peerServer = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), transport, version);
        await using var peer = await CometBftSide.ConnectAsync(peerServer.ListenAddress, transport, version);
        await peer.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
        for (long h = 1; h <= 3; h++)
        {
            await RunHeightAsync(peer, h);
        }

        var peerInfo = await peer.InfoAsync();
        var snapshot = (await peer.ListSnapshotsAsync())[0];
        Assert.Equal((ulong)peerInfo.Height, snapshot.Height);
        Assert.True(snapshot.Chunks > 1, "the test snapshot should span several chunks");

        var fresh = new RecordingAbciApplication(new KvStoreApplication(new KvDurableStore()));
        await using var freshServer = await TestServers.StartAsync(fresh, transport, version);
        await using var node = await CometBftSide.ConnectAsync(freshServer.ListenAddress, transport, version);
        Assert.Equal((int)OfferSnapshotResult.Accept, await node.OfferSnapshotAsync(snapshot, peerInfo.AppHash));
        for (uint i = 0; i < snapshot.Chunks; i++)
        {
            var chunk = await peer.LoadSnapshotChunkAsync(snapshot.Height, snapshot.Format, i);
            Assert.Equal((int)ApplySnapshotChunkResult.Accept, await node.ApplySnapshotChunkAsync(i, chunk, "peer-1"));
        }

        var restored = await node.InfoAsync();
        Assert.Equal(peerInfo.Height, restored.Height);
        Assert.Equal(peerInfo.AppHash, restored.AppHash);
        Assert.Equal("v3", Encoding.UTF8.GetString((await node.QueryAsync("k3", prove: false)).Value));
        Assert.Equal(["OfferSnapshot", .. Enumerable.Repeat("ApplySnapshotChunk", (int)snapshot.Chunks), "Info", "Query"], fresh.Calls);

        // The restored node goes on from the snapshot height exactly like the peer.
        var next = await RunHeightAsync(node, 4);
        Assert.Equal((await RunHeightAsync(peer, 4)).AppHash, next.AppHash);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task StateSync_CorruptedChunk_RejectsSnapshotAndKeepsEmptyState(AbciTransport transport, AbciProtocolVersion version)
    {
        await using var peerServer = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), transport, version);
        await using var peer = await CometBftSide.ConnectAsync(peerServer.ListenAddress, transport, version);
        await peer.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
        await RunHeightAsync(peer, 1);
        var appHash = (await peer.InfoAsync()).AppHash;
        var snapshot = (await peer.ListSnapshotsAsync())[0];

        await using var freshServer = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), transport, version);
        await using var node = await CometBftSide.ConnectAsync(freshServer.ListenAddress, transport, version);
        Assert.Equal((int)OfferSnapshotResult.Accept, await node.OfferSnapshotAsync(snapshot, appHash));
        var results = new List<int>();
        for (uint i = 0; i < snapshot.Chunks; i++)
        {
            var chunk = await peer.LoadSnapshotChunkAsync(snapshot.Height, snapshot.Format, i);
            chunk[0] ^= 0xFF;
            results.Add(await node.ApplySnapshotChunkAsync(i, chunk, "liar"));
        }

        Assert.Equal((int)ApplySnapshotChunkResult.RejectSnapshot, results[^1]);
        Assert.Equal(0, (await node.InfoAsync()).Height);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ConsensusCalls_OutOfOrder_GetErrorAndLeaveStateUntouched(AbciTransport transport, AbciProtocolVersion version)
    {
        var recorder = new RecordingAbciApplication(new KvStoreApplication(new KvDurableStore()));
        await using var server = await TestServers.StartAsync(recorder, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);
        await comet.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
        await RunHeightAsync(comet, 1);
        var before = await comet.InfoAsync();
        var callsBefore = recorder.Calls.Count;

        var commit = await Assert.ThrowsAsync<AbciErrorException>(comet.CommitAsync);
        Assert.Contains("Commit without a preceding FinalizeBlock", commit.Message, StringComparison.Ordinal);
        Assert.Equal(transport == AbciTransport.Grpc ? StatusCode.FailedPrecondition : null, commit.Status);
        var initChain = await Assert.ThrowsAsync<AbciErrorException>(() => comet.InitChainAsync(ChainId, Genesis, []));
        Assert.Contains("InitChain", initChain.Message, StringComparison.Ordinal);

        var after = await comet.InfoAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.AppHash, after.AppHash);
        Assert.Equal(["Info"], recorder.Calls.Skip(callsBefore));

        var finalized = await comet.FinalizeBlockAsync(2, Block(2), Hash(2));
        await Assert.ThrowsAsync<AbciErrorException>(() => comet.FinalizeBlockAsync(2, Block(2), Hash(2)));
        await Assert.ThrowsAsync<AbciErrorException>(() => comet.ProcessProposalAsync(3, Block(3), Hash(3)));
        await comet.CommitAsync();
        var committed = await comet.InfoAsync();
        Assert.Equal(2, committed.Height);
        Assert.Equal(finalized.AppHash, committed.AppHash);
        Assert.Equal(2, recorder.Calls.Count(c => c == "FinalizeBlock")); // heights 1 and 2; the duplicate never reached the app
        Assert.Equal(1, recorder.Calls.Count(c => c == "ProcessProposal")); // height 1 only
    }

    [Theory]
    [InlineData(AbciTransport.Socket, AbciProtocolVersion.V0_38)]
    [InlineData(AbciTransport.Grpc, AbciProtocolVersion.V1_0)]
    public async Task UnixSocket_FullHeight_Works(AbciTransport transport, AbciProtocolVersion version)
    {
        var address = TestServers.UnixSocketAddress();
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), transport, version, address);
        Assert.Equal(address, server.ListenAddress);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);
        await comet.InitChainAsync(ChainId, Genesis, [(ValidatorKey, 10)]);
        var result = await RunHeightAsync(comet, 1);
        var info = await comet.InfoAsync();
        Assert.Equal(1, info.Height);
        Assert.Equal(result.AppHash, info.AppHash);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ValidatorUpdate_UnsupportedKey_GetsErrorWithoutCallingApplication(AbciTransport transport, AbciProtocolVersion version)
    {
        var recorder = new RecordingAbciApplication(new KvStoreApplication(new KvDurableStore()));
        await using var server = await TestServers.StartAsync(recorder, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);

        var error = await Assert.ThrowsAsync<AbciErrorException>(() => comet.InitChainAsync(ChainId, Genesis, [(new byte[33], 10)]));
        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(transport == AbciTransport.Grpc ? StatusCode.InvalidArgument : null, error.Status);
        Assert.Empty(recorder.Calls);
    }

    private static byte[] Tx(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[][] Block(long h) => [Tx($"k{h}=v{h}"), Tx($"n={h}")];

    private static byte[] Hash(long h) => SHA256.HashData(Encoding.UTF8.GetBytes($"block-{h}"));

    private static async Task<FinalizeResult> RunHeightAsync(ICometBftSide comet, long h)
    {
        var txs = await comet.PrepareProposalAsync(h, Block(h), 1 << 20);
        Assert.True(await comet.ProcessProposalAsync(h, txs, Hash(h)), $"ProcessProposal at height {h}");
        var result = await comet.FinalizeBlockAsync(h, txs, Hash(h));
        await comet.CommitAsync();
        return result;
    }
}
