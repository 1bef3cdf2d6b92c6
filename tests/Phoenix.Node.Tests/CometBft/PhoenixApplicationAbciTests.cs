using System.Security.Cryptography;
using System.Text;
using Phoenix.Node.CometBft;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Node.Tests.CometBft.Support;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.TestKit;
using Timestamp = Phoenix.Protocol.Primitives.Timestamp;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>
/// The real <see cref="PhoenixApplication"/> (standard modules) behind the CometBFT front end, over both transports and both
/// wire versions, compared height by height with the same application driven directly the way the embedded engine does.
/// </summary>
public sealed class PhoenixApplicationAbciTests : IDisposable
{
    private const string ChainId = "phoenix-abci-1";
    private static readonly Timestamp GenesisTime = new(1_700_000_000, 0); // CometBftSide's genesis time
    private static readonly TestKey ValidatorKey = TestKeys.Of("validator", 0x10);
    private static readonly TestKey Operator = TestKeys.Numbered(1);
    private readonly List<string> _directories = [];

    public static TheoryData<AbciTransport, AbciProtocolVersion> Modes => TestServers.AllModes();

    public void Dispose()
    {
        foreach (var d in _directories)
        {
            try
            {
                Directory.Delete(d, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static readonly TestKey SecondValidatorKey = TestKeys.Of("validator2", 0x11);

    /// <summary>Alice and Bob with 1,000,000 PHNX; one validator of power 100 (a second one, operated by key 2, when asked).</summary>
    private static Genesis NewGenesis(bool twoValidators = false)
    {
        var b = new GenesisBuilder(ChainId, GenesisTime)
            .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000_000, Denom.Phnx))
            .AddAccount(TestKeys.Bob.Address, Amount.FromTokens(1_000_000, Denom.Phnx))
            .AddAccount(Operator.Address, Amount.FromTokens(1_000, Denom.Phnx))
            .AddValidator(ValidatorKey.PublicKey, Operator.Address, "DE", 100);
        if (twoValidators)
        {
            b.AddAccount(TestKeys.Numbered(2).Address, Amount.FromTokens(1_000, Denom.Phnx)).AddValidator(SecondValidatorKey.PublicKey, TestKeys.Numbered(2).Address, "FR", 100);
        }

        return b.Build();
    }

    private static string GenesisJson => Encoding.UTF8.GetString(NewGenesis().ToJson());

    private static PhoenixApplication NewApp(SnapshotOptions? snapshots = null, IPriceFeed? feed = null)
    {
        var builder = new PhoenixApplicationBuilder().AddStandardModules().UseSnapshots(snapshots ?? new SnapshotOptions());
        if (feed is not null)
        {
            builder.UsePriceFeed(feed);
        }

        return builder.Build();
    }

    private sealed class FixedFeed(ulong price) : IPriceFeed
    {
        public bool TryGetPriceMicroUsd(out ulong priceMicroUsd)
        {
            priceMicroUsd = price;
            return true;
        }
    }

    private static InitChainResponse InitDirect(PhoenixApplication app) =>
        app.InitChain(new InitChainRequest(GenesisTime, ChainId, null, [new ValidatorUpdate(ValidatorKey.PublicKey.ToArray(), 100)], NewGenesis().ToJson(), 1));

    private static Timestamp BlockTime(long h) => new(GenesisTime.Seconds + h, 5); // CometBftSide's block times

    private static byte[] BlockHash(long h) => SHA256.HashData(Encoding.UTF8.GetBytes($"block-{h}"));

    private static byte[] Transfer(TestKey from, ulong sequence, ulong amount) =>
        Build.A.Transfer.From(from).To(TestKeys.Carol).Amount(amount, Denom.Phnx).Sequence(sequence).ChainId(ChainId).Signed();

    /// <summary>Height h: two valid transfers, one with a broken signature (decodes, fails in the block), one undecodable.</summary>
    private static byte[][] Mempool(long h)
    {
        var forged = Transfer(TestKeys.Bob, 1_000 + (ulong)h, 1);
        forged[^5] ^= 0x01; // inside the signature
        return [Transfer(TestKeys.Alice, (ulong)h - 1, 10 + (ulong)h), Transfer(TestKeys.Bob, (ulong)h - 1, 20 + (ulong)h), forged, "not a transaction"u8.ToArray()];
    }

    /// <summary>What the embedded engine does for one height: PrepareProposal, ProcessProposal, FinalizeBlock, Commit.</summary>
    private static FinalizeBlockResponse EmbeddedHeight(PhoenixApplication app, long h, byte[][] mempool)
    {
        var proposal = app.PrepareProposal(new PrepareProposalRequest(1 << 20, [.. mempool.Select(t => (ReadOnlyMemory<byte>)t)], ExtendedCommitInfo.Empty, [], h, BlockTime(h), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)).Txs;
        Assert.Equal(ProposalStatus.Accept, app.ProcessProposal(new ProcessProposalRequest(proposal, CommitInfo.Empty, [], BlockHash(h), h, BlockTime(h), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)).Status);
        var result = app.FinalizeBlock(new FinalizeBlockRequest(proposal, CommitInfo.Empty, [], BlockHash(h), h, BlockTime(h), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        app.Commit();
        return result;
    }

    /// <summary>One height in CometBFT's order: PrepareProposal, ProcessProposal, ExtendVote, VerifyVoteExtension, FinalizeBlock, Commit.</summary>
    private static async Task<FinalizeResult> CometHeightAsync(ICometBftSide comet, long h, byte[][] mempool)
    {
        var proposal = await comet.PrepareProposalAsync(h, mempool, 1 << 20);
        Assert.True(await comet.ProcessProposalAsync(h, proposal, BlockHash(h)), $"ProcessProposal at height {h}");
        var extension = await comet.ExtendVoteAsync(h, BlockHash(h));
        Assert.True(await comet.VerifyVoteExtensionAsync(h, BlockHash(h), ValidatorKey.PublicKey.Address.ToArray(), extension), $"own extension at height {h}");
        var result = await comet.FinalizeBlockAsync(h, proposal, BlockHash(h));
        await comet.CommitAsync();
        return result;
    }

    private string TempDirectory()
    {
        var d = Path.Combine(Path.GetTempPath(), "phx-abci-" + Guid.NewGuid().ToString("N"));
        _directories.Add(d);
        return d;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FullHeights_SignedTransfers_SameResultsAndAppHashAsEmbeddedPathAtEveryHeight(AbciTransport transport, AbciProtocolVersion version)
    {
        var served = NewApp();
        var embedded = NewApp();
        await using var server = await TestServers.StartAsync(served, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);

        Assert.Equal(0, (await comet.InfoAsync()).Height);
        Assert.Equal(InitDirect(embedded).AppHash.ToArray(), await comet.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]));

        for (long h = 1; h <= 4; h++)
        {
            var mempool = Mempool(h);
            var checks = new List<uint>();
            foreach (var tx in mempool)
            {
                checks.Add((await comet.CheckTxAsync(tx, recheck: false)).Code);
            }

            Assert.Equal(0u, checks[0]);
            Assert.Equal(0u, checks[1]);
            Assert.Equal(TxErrors.InvalidSignature.Code, checks[2]);
            Assert.NotEqual(0u, checks[3]);

            var viaComet = await CometHeightAsync(comet, h, mempool);
            var direct = EmbeddedHeight(embedded, h, mempool);

            Assert.Equal(direct.AppHash.ToArray(), viaComet.AppHash);
            Assert.Equal([0u, 0u, TxErrors.InvalidSignature.Code], viaComet.Codes);
            Assert.Equal(direct.TxResults.Select(r => r.Code), viaComet.Codes);
        }

        var info = await comet.InfoAsync();
        Assert.Equal(4, info.Height);
        Assert.Equal(embedded.LastAppHash.ToArray(), info.AppHash);
        Assert.Empty(served.CheckInvariants());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Host_RestartBetweenFinalizeBlockAndCommit_InfoReportsLastCommitAndReplayConverges(AbciTransport transport, AbciProtocolVersion version)
    {
        var options = new CometBftHostOptions
        {
            DataDirectory = TempDirectory(),
            Abci = new CometBftOptions { Address = "tcp://127.0.0.1:0", Transport = transport, Version = version },
        };
        var embedded = NewApp();
        InitDirect(embedded);
        FinalizeResult crashed;
        await using (var host = await CometBftValidatorHost.StartAsync(options))
        await using (var comet = await CometBftSide.ConnectAsync(host.ListenAddress, transport, version))
        {
            await comet.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]);
            for (long h = 1; h <= 2; h++)
            {
                Assert.Equal(EmbeddedHeight(embedded, h, Mempool(h)).AppHash.ToArray(), (await CometHeightAsync(comet, h, Mempool(h))).AppHash);
            }

            crashed = await comet.FinalizeBlockAsync(3, [.. Mempool(3).Take(3)], BlockHash(3));

            // The process dies here: block 3 was executed but never committed.
        }

        await using var restarted = await CometBftValidatorHost.StartAsync(options);
        await using var comet2 = await CometBftSide.ConnectAsync(restarted.ListenAddress, transport, version);
        var info = await comet2.InfoAsync();
        Assert.Equal(2, info.Height);
        Assert.Equal(embedded.LastAppHash.ToArray(), info.AppHash);

        // CometBFT's handshake replays block 3 (FinalizeBlock, Commit), then consensus goes on.
        var replayed = await comet2.FinalizeBlockAsync(3, [.. Mempool(3).Take(3)], BlockHash(3));
        Assert.Equal(crashed.AppHash, replayed.AppHash);
        Assert.Equal(crashed.Codes, replayed.Codes);
        await comet2.CommitAsync();
        var direct3 = EmbeddedHeight(embedded, 3, [.. Mempool(3).Take(3)]);
        Assert.Equal(direct3.AppHash.ToArray(), replayed.AppHash);
        Assert.Equal(EmbeddedHeight(embedded, 4, Mempool(4)).AppHash.ToArray(), (await CometHeightAsync(comet2, 4, Mempool(4))).AppHash);
        Assert.Equal(4, (await comet2.InfoAsync()).Height);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task StateSync_PhoenixSnapshotFromPeer_FreshInstanceRestoresAndContinuesIdentically(AbciTransport transport, AbciProtocolVersion version)
    {
        var peerApp = NewApp(new SnapshotOptions { Interval = 2, ChunkBytes = 512 });
        await using var peerServer = await TestServers.StartAsync(peerApp, transport, version);
        await using var peer = await CometBftSide.ConnectAsync(peerServer.ListenAddress, transport, version);
        await peer.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]);
        for (long h = 1; h <= 2; h++)
        {
            await CometHeightAsync(peer, h, Mempool(h));
        }

        var peerInfo = await peer.InfoAsync();
        var snapshot = Assert.Single(await peer.ListSnapshotsAsync());
        Assert.Equal(2UL, snapshot.Height);
        Assert.True(snapshot.Chunks > 1, "512-byte chunks should split the state");

        var freshApp = NewApp();
        await using var freshServer = await TestServers.StartAsync(freshApp, transport, version);
        await using var node = await CometBftSide.ConnectAsync(freshServer.ListenAddress, transport, version);
        Assert.Equal((int)OfferSnapshotResult.Reject, await node.OfferSnapshotAsync(snapshot, SHA256.HashData(peerInfo.AppHash)));
        Assert.Equal((int)OfferSnapshotResult.Accept, await node.OfferSnapshotAsync(snapshot, peerInfo.AppHash));
        for (uint i = 0; i < snapshot.Chunks; i++)
        {
            var chunk = await peer.LoadSnapshotChunkAsync(snapshot.Height, snapshot.Format, i);
            if (i == 1)
            {
                var corrupted = (byte[])chunk.Clone();
                corrupted[^1] ^= 0xFF;
                Assert.Equal((int)ApplySnapshotChunkResult.Retry, await node.ApplySnapshotChunkAsync(i, corrupted, "liar"));
                Assert.Equal(0, (await node.InfoAsync()).Height);
            }

            Assert.Equal((int)ApplySnapshotChunkResult.Accept, await node.ApplySnapshotChunkAsync(i, chunk, "peer-1"));
        }

        var restored = await node.InfoAsync();
        Assert.Equal(peerInfo.Height, restored.Height);
        Assert.Equal(peerInfo.AppHash, restored.AppHash);

        var next = await CometHeightAsync(node, 3, Mempool(3));
        Assert.Equal((await CometHeightAsync(peer, 3, Mempool(3))).AppHash, next.AppHash);
        Assert.Equal([0u, 0u, TxErrors.InvalidSignature.Code], next.Codes);
    }

    [Theory]
    [InlineData(AbciProtocolVersion.V0_38)]
    [InlineData(AbciProtocolVersion.V1_0)]
    public async Task MalformedAndOutOfOrderFrames_GetErrorsAndLeaveStateUntouched(AbciProtocolVersion version)
    {
        var served = NewApp();
        var embedded = NewApp();
        InitDirect(embedded);
        await using var server = await TestServers.StartAsync(served, AbciTransport.Socket, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, AbciTransport.Socket, version);
        await comet.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]);
        await CometHeightAsync(comet, 1, Mempool(1));
        EmbeddedHeight(embedded, 1, Mempool(1));
        var before = await comet.InfoAsync();

        // A frame that is not a Request: Response.exception, then the connection is closed.
        await using (var bad = await AbciSocketTestClient.ConnectAsync(server.ListenAddress))
        {
            await bad.SendRawAsync([0x03, 0xFF, 0xFF, 0xFF]);
            var payload = await bad.ReadFrameAsync("exception") ?? throw new InvalidOperationException("no exception response");
            Assert.Contains("Malformed", ExceptionText(version, payload), StringComparison.Ordinal);
            Assert.Null(await bad.ReadFrameAsync("close"));
        }

        // Out of order: Commit with nothing finalized; a block for a height that is not next (the application refuses it).
        await Assert.ThrowsAsync<AbciErrorException>(comet.CommitAsync);
        await Assert.ThrowsAsync<AbciErrorException>(() => comet.FinalizeBlockAsync(5, Mempool(5), BlockHash(5)));

        var after = await comet.InfoAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.AppHash, after.AppHash);
        Assert.Equal(before.AppHash, served.LastAppHash.ToArray());

        // The chain goes on exactly as if nothing had happened.
        Assert.Equal(EmbeddedHeight(embedded, 2, Mempool(2)).AppHash.ToArray(), (await CometHeightAsync(comet, 2, Mempool(2))).AppHash);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task VoteExtensions_PriceSignedByCometBft_InjectedVerifiedAndRecordedLikeTheEmbeddedPath(AbciTransport transport, AbciProtocolVersion version)
    {
        var served = NewApp(feed: new FixedFeed(1_234_000));
        var embedded = NewApp();
        InitDirect(embedded);
        await using var server = await TestServers.StartAsync(served, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);
        await comet.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]);
        EmbeddedHeight(embedded, 1, Mempool(1));
        await CometHeightAsync(comet, 1, Mempool(1));

        // CometBFT signs the extension its app returned and hands the extended commit to the next proposer.
        var extension = await comet.ExtendVoteAsync(1, BlockHash(1));
        Assert.True(OracleVoteExtensions.TryDecodeExtension(extension, out var reported));
        Assert.Equal(1_234_000UL, reported);
        var address = ValidatorKey.PublicKey.Address.ToArray();
        var signature = Protocol.Crypto.Ed25519.Sign(ValidatorKey.Seed, OracleVoteExtensions.SignBytes(ChainId, 1, 0, extension));
        var extended = new ExtendedCommitInfo(0, [new ExtendedVoteInfo(new AbciValidator(address, 100), extension, signature, BlockIdFlag.Commit)]);
        var lastCommit = new CommitInfo(0, [new VoteInfo(new AbciValidator(address, 100), BlockIdFlag.Commit)]);

        var proposal = await comet.PrepareProposalAsync(2, Mempool(2), 1 << 20, extended);

        Assert.Equal(OracleVoteExtensions.EncodeInjectedTx(0, [new SignedOracleVote(address, extension, signature)]), proposal[0]);
        Assert.True(await comet.ProcessProposalAsync(2, proposal, BlockHash(2), lastCommit));
        var forged = OracleVoteExtensions.EncodeInjectedTx(0, [new SignedOracleVote(address, OracleVoteExtensions.EncodeExtension(1), signature)]);
        Assert.False(await comet.ProcessProposalAsync(2, [forged, .. proposal.Skip(1)], BlockHash(2), lastCommit));
        Assert.False(await comet.ProcessProposalAsync(2, proposal, BlockHash(2), new CommitInfo(0, [new VoteInfo(new AbciValidator(address, 100), BlockIdFlag.Absent)])));
        var result = await comet.FinalizeBlockAsync(2, proposal, BlockHash(2), decidedLastCommit: lastCommit);
        await comet.CommitAsync();

        var direct = embedded.FinalizeBlock(new FinalizeBlockRequest([.. proposal.Select(t => (ReadOnlyMemory<byte>)t)], lastCommit, [], BlockHash(2), 2, BlockTime(2), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        embedded.Commit();
        Assert.Equal(direct.AppHash.ToArray(), result.AppHash);
        Assert.Equal([0u, 0u, 0u, TxErrors.InvalidSignature.Code], result.Codes);
        var price = OracleModule.GetPrice(served.CommittedState, BlockTime(2), served.Parameters);
        Assert.True(price.IsValid);
        Assert.Equal(1_234_000UL, price.PriceMicroUsd);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Misbehavior_DuplicateVoteFromCometBft_SlashesAndUpdatesValidatorsLikeTheEmbeddedPath(AbciTransport transport, AbciProtocolVersion version)
    {
        var genesis = NewGenesis(twoValidators: true);
        var served = NewApp();
        var embedded = NewApp();
        embedded.InitChain(new InitChainRequest(GenesisTime, ChainId, null, [], genesis.ToJson(), 1));
        await using var server = await TestServers.StartAsync(served, transport, version);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, transport, version);
        await comet.InitChainAsync(ChainId, Encoding.UTF8.GetString(genesis.ToJson()), []);
        Assert.Equal(EmbeddedHeight(embedded, 1, Mempool(1)).AppHash.ToArray(), (await CometHeightAsync(comet, 1, Mempool(1))).AppHash);

        // CometBftSide reports a duplicate vote at height 1 (power 10 of 100) by the given address.
        var offender = SecondValidatorKey.PublicKey.Address.ToArray();
        var viaComet = await comet.FinalizeBlockAsync(2, [], BlockHash(2), misbehaverAddress: offender);
        await comet.CommitAsync();
        var evidence = new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(offender, 10), 1, BlockTime(1), 100);
        var direct = embedded.FinalizeBlock(new FinalizeBlockRequest([], CommitInfo.Empty, [evidence], BlockHash(2), 2, BlockTime(2), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        embedded.Commit();

        Assert.Equal(direct.AppHash.ToArray(), viaComet.AppHash);
        Assert.Contains("double_sign", viaComet.BlockEventTypes);
        Assert.Equal(direct.Events.Select(e => e.Type), viaComet.BlockEventTypes);
        var removal = Assert.Single(viaComet.ValidatorUpdates);
        Assert.Equal(SecondValidatorKey.PublicKey.ToArray(), removal.Key);
        Assert.Equal(0, removal.Power);
        Assert.Equal(direct.ValidatorUpdates.Select(u => (u.PublicKey.ToArray(), u.Power)), viaComet.ValidatorUpdates);
        Assert.True(Protocol.Modules.Staking.StakingModule.GetValidatorByConsensusAddress(served.CommittedState, offender)!.Tombstoned);
    }

    [Fact]
    public async Task Host_InvalidOptions_ThrowListingEveryProblem()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => CometBftValidatorHost.StartAsync(new CometBftHostOptions { DataDirectory = " ", Snapshots = new SnapshotOptions { KeepRecent = 0 } }));
        Assert.Contains("DataDirectory", e.Message, StringComparison.Ordinal);
        Assert.Contains("KeepRecent", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(() => CometBftValidatorHost.StartAsync(null!));
    }

    [Fact]
    public async Task Host_RunAsync_ServesUntilCancelledThenReleasesTheState()
    {
        var options = new CometBftHostOptions { DataDirectory = TempDirectory(), Abci = new CometBftOptions { Address = TestServers.UnixSocketAddress() } };
        using var stop = new CancellationTokenSource();
        var run = CometBftValidatorHost.RunAsync(options, cancellationToken: stop.Token);

        // Opening the store and binding the socket listener complete synchronously, so the server listens once RunAsync returns its task.
        Assert.False(run.IsCompleted);
        await using (var comet = await CometBftSide.ConnectAsync(options.Abci.Address, AbciTransport.Socket, AbciProtocolVersion.V0_38))
        {
            await comet.InitChainAsync(ChainId, GenesisJson, [(ValidatorKey.PublicKey.ToArray(), 100)]);
            await CometHeightAsync(comet, 1, Mempool(1));
        }

        await stop.CancelAsync();
        await run;

        // The state was closed (a second open would fail while it is held) and kept height 1.
        await using var again = await CometBftValidatorHost.StartAsync(options);
        Assert.Equal(1, again.Application.LastHeight);
    }

    private static string ExceptionText(AbciProtocolVersion version, byte[] payload) => version == AbciProtocolVersion.V1_0
        ? Phoenix.Node.CometBft.Wire.V1.Response.Parser.ParseFrom(payload).Exception.Error
        : Phoenix.Node.CometBft.Wire.V038.Response.Parser.ParseFrom(payload).Exception.Error;
}
