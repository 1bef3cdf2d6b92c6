using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Phoenix.Node.Api;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting.Internal;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Application;

namespace Phoenix.Node.Hosting;

/// <summary>
/// A running Phoenix node started programmatically: one Kestrel HTTP/2 port serving the validator peer streams, the
/// public <c>NodeService</c> and the <c>BlobService</c>; RocksDB stores under its data directory; the Phoenix
/// application (standard modules) on the embedded Tendermint engine. Several nodes may run in one process, each with
/// its own home directory. In a Generic Host, use <c>builder.AddPhoenixNode()</c> and <c>app.MapPhoenixNode()</c> instead.
/// </summary>
/// <example>
/// <code>
/// var homes = ValidatorNetwork.Initialize("phoenix-devnet-1", genesisTime, ["v0", "v1", "v2", "v3"]);
/// await using var node = await PhoenixNode.StartAsync(homes[0].CreateOptions());
/// Console.WriteLine(node.ListenAddress);
/// </code>
/// </example>
public sealed class PhoenixNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NodeRuntime _runtime;
    private int _disposed;

    private PhoenixNode(WebApplication app, NodeRuntime runtime, Uri listenAddress)
    {
        _app = app;
        _runtime = runtime;
        ListenAddress = listenAddress;
    }

    /// <summary>The address the node listens on (the real port when <see cref="PhoenixNodeOptions.ListenUrl"/> had port 0).</summary>
    public Uri ListenAddress { get; }

    /// <summary>The node id peers know it by (see <see cref="ValidatorKeyFile.NodeId"/>).</summary>
    public string NodeId => _runtime.NodeId;

    /// <summary>The chain id.</summary>
    public string ChainId => _runtime.ChainGenesis.ChainId;

    /// <summary>The last committed height.</summary>
    public long Height => _runtime.Height;

    /// <summary>Transactions committed since this node started (replayed blocks included).</summary>
    public long CommittedTransactions => _runtime.CommittedTxs;

    /// <summary>The node's status as the API reports it.</summary>
    public NodeStatus Status => _runtime.Status;

    /// <summary>The node's services (API adapters, <see cref="ChainEventHub"/>, metrics).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The mempool.</summary>
    public ITxMempool Mempool => _runtime.Mempool!;

    /// <summary>The application's signature verifier and its cache of verdicts (counters for diagnostics and benchmarks).</summary>
    public CachingSignatureVerifier SignatureVerifier => _runtime.Signatures!;

    /// <summary>The stream of committed blocks with their results and events.</summary>
    public IChainEvents Events => _app.Services.GetRequiredService<ChainEventHub>();

    /// <summary>The consensus engine's position: height being decided, round and step (a racy read, for diagnostics).</summary>
    public (long Height, int Round, RoundStep Step) ConsensusPosition
    {
        get
        {
            var e = _runtime.Consensus!.Engine;
            return (e.Height, e.Round, e.Step);
        }
    }

    internal NodeRuntime Runtime => _runtime;

    /// <summary>Starts a node: opens (or creates) its stores, handshakes with the application, replays, listens and dials its peers.</summary>
    /// <param name="options">The settings (home directory with <c>genesis.json</c> and the key file).</param>
    /// <param name="loggerFactory">Where logs go (default: nowhere).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running node.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The settings are invalid.</exception>
    /// <exception cref="FileNotFoundException">The genesis or key file is missing.</exception>
    /// <exception cref="InvalidDataException">The genesis, key file or signer state is damaged.</exception>
    /// <exception cref="Storage.StoreCorruptedException">A data store (blocks, state, transaction index or blobs) is damaged; the node refuses to run on it.</exception>
    /// <exception cref="WalCorruptedException">The consensus WAL has a damaged record (other than a torn final one).</exception>
    public static Task<PhoenixNode> StartAsync(PhoenixNodeOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
        => StartAsync(options, loggerFactory, null, cancellationToken);

    internal static async Task<PhoenixNode> StartAsync(PhoenixNodeOptions options, ILoggerFactory? loggerFactory, Action<NodeRuntime>? beforeStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.AddPhoenixNode(o => Copy(options, o));
        var app = builder.Build();
        app.MapPhoenixNode();
        NodeRuntime runtime;
        try
        {
            runtime = app.Services.GetRequiredService<NodeRuntime>();
            beforeStart?.Invoke(runtime);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        runtime.Transport.ListenAddress = uri;
        return new PhoenixNode(app, runtime, uri);
    }

    /// <summary>Dials another validator (for peers whose address is known only after they started, such as port 0).</summary>
    /// <param name="nodeId">The peer's node id.</param>
    /// <param name="address">Its listen address.</param>
    public void AddPeer(string nodeId, Uri address)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentNullException.ThrowIfNull(address);
        _runtime.Transport.AddPeer(new Consensus.Transport.PeerAddress(nodeId, address));
    }

    /// <summary>The application hash after <paramref name="height"/>, or <see langword="null"/> when not yet committed.</summary>
    /// <param name="height">A committed height.</param>
    /// <returns>The hash.</returns>
    public byte[]? AppHashAfter(long height) => _runtime.AppHashAfter(height);

    /// <summary>Reads committed application state under the application lock.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="read">Reads from the application (do not keep references to its state).</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    public T ReadState<T>(Func<PhoenixApplication, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return _runtime.App!.Read(a => read((PhoenixApplication)a));
    }

    /// <summary>Stops consensus, closes the stores and the server.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _runtime.DisposeAsync().ConfigureAwait(false);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(deadline.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void Copy(PhoenixNodeOptions from, PhoenixNodeOptions to)
    {
        to.Moniker = from.Moniker;
        to.HomeDirectory = from.HomeDirectory;
        to.DataDirectory = from.DataDirectory;
        to.GenesisFile = from.GenesisFile;
        to.PrivValidatorKeyFile = from.PrivValidatorKeyFile;
        to.ListenUrl = from.ListenUrl;
        to.Peers = from.Peers;
        to.Consensus = from.Consensus;
        to.Storage = from.Storage;
        to.Mempool = from.Mempool;
        to.Api = from.Api;
        to.Blobs = from.Blobs;
        to.Health = from.Health;
    }
}
