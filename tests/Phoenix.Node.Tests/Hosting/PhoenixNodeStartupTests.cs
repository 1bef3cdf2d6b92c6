using Microsoft.Extensions.Options;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting;
using Phoenix.Node.Storage;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Primitives;
using RocksDbSharp;

namespace Phoenix.Node.Tests.Hosting;

/// <summary>One validator started, stopped and restarted on its data directory; damaged files and bad settings refuse a start.</summary>
public sealed class PhoenixNodeStartupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restart_OnSameDataDirectory_ResumesFromStoredAppStateWithSameAppHash()
    {
        var home = Init();
        long height;
        byte[] appHash;
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 3);
            await node.DisposeAsync();
            height = node.Height;
            appHash = node.AppHashAfter(height)!;
        }

        await using var again = await StartAsync(home);

        Assert.Equal(height, again.Runtime.AppHeightAtOpen);
        // The WAL may complete the height that was in progress when the node stopped.
        Assert.InRange(again.Height, height, height + 1);
        Assert.Equal(appHash, again.AppHashAfter(height));
        await WaitHeightAsync(again, height + 2);
        Assert.Equal(appHash, again.AppHashAfter(height));
    }

    [Fact]
    public async Task Start_StateStoreValueDamaged_RefusesWithStoreCorruptedException()
    {
        var home = Init();
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 2);
        }

        var statePath = Path.Combine(home.HomeDirectory, "data", "state");
        using (var raw = RocksDb.Open(new DbOptions(), statePath, new ColumnFamilies { { "phoenix.meta", new ColumnFamilyOptions() } }))
        {
            using var it = raw.NewIterator();
            it.SeekToFirst();
            Assert.True(it.Valid());
            raw.Put(it.Key(), new byte[] { 0, 0, 0, 0, 1, 2, 3 });
        }

        var ex = await Assert.ThrowsAsync<StoreCorruptedException>(() => StartAsync(home));
        Assert.Contains(statePath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BlockStoreCurrentFileDeleted_RefusesWithStoreCorruptedException()
    {
        var home = Init();
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 2);
        }

        var blocksPath = Path.Combine(home.HomeDirectory, "data", "blocks");
        File.Delete(Path.Combine(blocksPath, "CURRENT"));

        var ex = await Assert.ThrowsAsync<StoreCorruptedException>(() => StartAsync(home));
        Assert.Equal(blocksPath, ex.Path);
    }

    [Fact]
    public async Task Start_GenesisMissing_ThrowsFileNotFoundAndCreatesNoData()
    {
        var home = Init();
        File.Delete(Path.Combine(home.HomeDirectory, ValidatorNetwork.GenesisFileName));

        await Assert.ThrowsAsync<FileNotFoundException>(() => StartAsync(home));
        Assert.False(Directory.Exists(Path.Combine(home.HomeDirectory, "data")));
    }

    [Fact]
    public async Task Start_KeyFileTampered_ThrowsInvalidData()
    {
        var home = Init();
        var keyPath = Path.Combine(home.HomeDirectory, ValidatorNetwork.ConsensusKeyFileName);
        var other = ValidatorKeyFile.Generate();
        (home.ConsensusKey with { PublicKey = other.PublicKey }).Write(keyPath);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => StartAsync(home));
        Assert.Contains(keyPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidOptions_ThrowsOptionsValidationListingTheField()
    {
        var home = Init();
        var options = Options(home);
        options.Moniker = "";
        options.Consensus.MaxBlockTxs = 0;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => PhoenixNode.StartAsync(options));
        Assert.Contains(nameof(PhoenixNodeOptions.Moniker), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(NodeConsensusOptions.MaxBlockTxs), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PeerUrlInvalid_ThrowsOptionsValidation()
    {
        var home = Init();
        var options = Options(home);
        options.Consensus.Peers["abc"] = "not a url";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => PhoenixNode.StartAsync(options));
        Assert.Contains("abc", ex.Message, StringComparison.Ordinal);
    }

    private ValidatorHome Init()
        => ValidatorNetwork.Initialize("phoenix-unit-1", Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), [_dir.Sub("v0")]).Single();

    private static PhoenixNodeOptions Options(ValidatorHome home)
    {
        var o = home.CreateOptions();
        o.ListenUrl = "http://127.0.0.1:0";
        o.Consensus.Timeouts = new ConsensusTimeoutOptions
        {
            Propose = TimeSpan.FromMilliseconds(500), Prevote = TimeSpan.FromMilliseconds(200), Precommit = TimeSpan.FromMilliseconds(200),
            Commit = TimeSpan.FromMilliseconds(50),
        };
        return o;
    }

    private static Task<PhoenixNode> StartAsync(ValidatorHome home) => PhoenixNode.StartAsync(Options(home));

    private static async Task WaitHeightAsync(PhoenixNode node, long height)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (node.Height < height)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the node did not reach height {height} (at {node.Height})");
            await Task.Delay(20);
        }
    }
}
