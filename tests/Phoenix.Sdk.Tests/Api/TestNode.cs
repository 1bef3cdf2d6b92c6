using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Api;

/// <summary>
/// A real node API in-process: Kestrel on 127.0.0.1 serving the node's <see cref="NodeGrpcService"/> and
/// <see cref="BlobGrpcService"/> over a real <see cref="Phoenix.Protocol.Application.PhoenixApplication"/>
/// (a <see cref="TxMempool"/> runs CheckTx) and a test block producer that commits a block whenever a
/// transaction is admitted. The server can be stopped and restarted on the same port with the same chain.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, IndexedTx> _txs = [];
    private readonly Dictionary<long, ApiBlock> _blocks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<IServiceCollection>? _overrides;
    private WebApplication? _app;
    private Task _producer = Task.CompletedTask;
    private int _port;

    private TestNode(TestChain chain, Action<IServiceCollection>? overrides)
    {
        Chain = chain;
        _overrides = overrides;
        Mempool = new TxMempool(chain.App, new MempoolOptions());
        Hub = new ChainEventHub();
        Events = new SignallingEvents(Hub);
        Blobs = new InMemoryBlobStore();
    }

    public NodeFaults Faults { get; } = new();

    public SignallingEvents Events { get; }

    public TestChain Chain { get; }

    public TxMempool Mempool { get; }

    public ChainEventHub Hub { get; }

    public InMemoryBlobStore Blobs { get; }

    public Uri Address => new($"http://127.0.0.1:{_port}");

    /// <summary>Whether admitted transactions are committed at once (otherwise call <see cref="ProduceBlock"/>).</summary>
    public bool AutoProduce { get; set; } = true;

    public long Height => Chain.App.LastHeight;

    public static async Task<TestNode> StartAsync(Action<IServiceCollection>? overrides = null, TestChain? chain = null)
    {
        var node = new TestNode(chain ?? new TestChain(), overrides);
        node.ProduceBlock(); // height 1, so queries have committed state
        await node.StartServerAsync();
        node._producer = node.RunProducerAsync();
        return node;
    }

    /// <summary>The app hash of the state committed at a height (what a verified header would carry).</summary>
    public Hash32 AppHashAt(long height)
    {
        lock (_gate)
        {
            return _appHashes[height];
        }
    }

    private readonly Dictionary<long, Hash32> _appHashes = [];

    public CommittedBlock ProduceBlock()
    {
        CommittedBlock committed;
        lock (_gate)
        {
            var txs = Mempool.ReapMaxBytes(long.MaxValue);
            var previous = Chain.App.LastHeight == 0 ? Hash32.Zero : _blocks[Chain.App.LastHeight].Hash;
            var appHashBefore = Chain.App.LastAppHash;
            var response = Chain.Block([.. txs]);
            var height = Chain.App.LastHeight;
            Mempool.Update(height, txs);
            var block = new ApiBlock(height, Hash32.Sha256(BitConverter.GetBytes(height)), Chain.Time, new byte[20], appHashBefore.ToArray(), previous, [.. txs.Select(t => (ReadOnlyMemory<byte>)t)], ReadOnlyMemory<byte>.Empty);
            _blocks[height] = block;
            _appHashes[height] = Chain.App.LastAppHash;
            for (var i = 0; i < txs.Count; i++)
            {
                var hash = Hash32.Sha256(txs[i]);
                _txs[hash] = new IndexedTx(hash, height, i, txs[i], response.TxResults[i]);
            }

            committed = new CommittedBlock(block, response.TxResults, response.Events);
        }

        Hub.Publish(committed);
        return committed;
    }

    public async Task StopServerAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task StartServerAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, _port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddSingleton<ITxMempool>(new GatedMempool(Mempool, _gate));
        builder.Services.AddSingleton<ITxIndex>(new Index(this));
        builder.Services.AddSingleton<IBlockReader>(new Blocks(this));
        builder.Services.AddSingleton<INodeStatus>(new Status(this));
        builder.Services.AddSingleton<IStateQuery>(new StateQuery(this));
        builder.Services.AddSingleton<IChainEvents>(Events);
        builder.Services.AddSingleton(Faults);
        builder.Services.AddSingleton<IBlobStore>(Blobs);
        builder.Services.AddSingleton(Options.Create(new NodeApiOptions()));
        builder.Services.AddSingleton(Options.Create(new BlobServiceOptions { ChunkBytes = 16 * 1024, FetchFromPeers = false }));
        builder.Services.AddSingleton<NodeGrpcService>();
        builder.Services.AddSingleton<BlobGrpcService>();
        builder.Services.AddSingleton<DelegatingNodeService>();
        builder.Services.AddSingleton<DelegatingBlobService>();
        _overrides?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<DelegatingNodeService>();
        app.MapGrpcService<DelegatingBlobService>();
        if (app.Services.GetService<ILightBlockSource>() is not null)
        {
            app.MapGrpcService<LightClientGrpcService>();
        }
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        _port = address.Port;
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await StopServerAsync();
        try
        {
            await _producer;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunProducerAsync()
    {
        await foreach (var _ in Mempool.NewTransactions.ReadAllAsync(_stop.Token))
        {
            if (AutoProduce && Mempool.Count > 0)
            {
                ProduceBlock();
            }
        }
    }

    private sealed class Index(TestNode node) : ITxIndex
    {
        public IndexedTx? GetTx(Hash32 hash)
        {
            lock (node._gate)
            {
                return node._txs.GetValueOrDefault(hash);
            }
        }
    }

    private sealed class Blocks(TestNode node) : IBlockReader
    {
        public long LatestHeight => node.Chain.App.LastHeight;

        public ApiBlock? GetBlock(long height)
        {
            lock (node._gate)
            {
                return node._blocks.GetValueOrDefault(height);
            }
        }
    }

    private sealed class Status(TestNode node) : INodeStatus
    {
        public NodeStatus GetStatus()
        {
            lock (node._gate)
            {
                var h = node.Chain.App.LastHeight;
                return new NodeStatus(TestChain.ChainId, "test-node", "test", 1, h, node._blocks[h].Hash, node.Chain.App.LastAppHash.ToArray(), node.Chain.Time, false, 0, ReadOnlyMemory<byte>.Empty, 0);
            }
        }
    }

    private sealed class StateQuery(TestNode node) : IStateQuery
    {
        public QueryResponse Query(QueryRequest request)
        {
            lock (node._gate)
            {
                return node.Chain.App.Query(request);
            }
        }
    }
}
