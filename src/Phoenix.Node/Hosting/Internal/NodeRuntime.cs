using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Blobs.Internal;
using Phoenix.Protocol.Blobs;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Mempool;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>
/// One node's parts, wired: RocksDB stores, the Phoenix application behind one lock, the mempool as the proposer's
/// transaction source, the Tendermint engine on the gRPC peer transport, and the API adapters fed on every commit.
/// </summary>
internal sealed class NodeRuntime : IAsyncDisposable
{
    private readonly PhoenixNodeOptions _options;
    private readonly ChainEventHub _hub;
    private readonly NodeMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly List<IDisposable> _owned = [];
    private readonly byte[] _genesisJson;
    private readonly ValidatorKeyFile? _key;
    private NodeStatus? _status;
    private DateTimeOffset? _lastCommitAt;
    private long _committedTxs;
    private int _started;
    private readonly CancellationTokenSource _stop = new();
    private Task _gossip = Task.CompletedTask;
    private Task _peerTxWorker = Task.CompletedTask;
    private readonly System.Threading.Channels.Channel<(string Peer, IReadOnlyList<Google.Protobuf.ByteString> Txs)> _peerTxs =
        System.Threading.Channels.Channel.CreateBounded<(string, IReadOnlyList<Google.Protobuf.ByteString>)>(
            new System.Threading.Channels.BoundedChannelOptions(256) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });

    public NodeRuntime(
        IOptions<PhoenixNodeOptions> options,
        ChainEventHub hub,
        NodeMetrics metrics,
        TimeProvider? time = null,
        ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _hub = hub;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger("Phoenix.Node.Hosting.PhoenixNode");

        var errors = new PhoenixNodeOptionsValidator().Validate(null, _options);
        if (errors.Failed)
        {
            throw new OptionsValidationException(nameof(PhoenixNodeOptions), typeof(PhoenixNodeOptions), errors.Failures);
        }

        HomeDirectory = Path.GetFullPath(_options.HomeDirectory);
        DataDirectory = Path.GetFullPath(Path.Combine(HomeDirectory, _options.DataDirectory));
        var genesisPath = Path.Combine(HomeDirectory, _options.GenesisFile);
        if (!File.Exists(genesisPath))
        {
            throw new FileNotFoundException($"The genesis file '{genesisPath}' does not exist (write one with ValidatorNetwork.Initialize or Phoenix.Validator init).", genesisPath);
        }

        _genesisJson = File.ReadAllBytes(genesisPath);
        Genesis genesis;
        try
        {
            genesis = Genesis.FromJson(_genesisJson);
        }
        catch (Exception ex) when (ex is GenesisFormatException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"The genesis file '{genesisPath}' is not a valid Phoenix genesis: {ex.Message}", ex);
        }

        ChainGenesis = new ConsensusGenesis(
            genesis.ChainId,
            genesis.GenesisTime,
            [.. genesis.Validators.Select(v => new ValidatorUpdate(v.ConsensusKey.ToArray(), v.Power))],
            _genesisJson);

        if (!string.IsNullOrEmpty(_options.PrivValidatorKeyFile))
        {
            var keyPath = Path.Combine(HomeDirectory, _options.PrivValidatorKeyFile);
            _key = ValidatorKeyFile.Read(keyPath);
            NodeId = _key.NodeId();
        }
        else
        {
            NodeId = _options.Moniker;
        }

        var transportOptions = new GrpcPeerTransportOptions { NodeId = NodeId, ChainId = genesis.ChainId, SelfHost = false, TimeProvider = _time };
        foreach (var (peerId, url) in _options.Consensus.Peers)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new OptionsValidationException(nameof(PhoenixNodeOptions), typeof(PhoenixNodeOptions), [$"Consensus peer '{peerId}' has an invalid URL '{url}'."]);
            }

            transportOptions.Peers.Add(new PeerAddress(peerId, uri));
        }

        Transport = new GrpcPeerTransport(transportOptions);
        PeerService = Transport.CreatePeerService();
    }

    public string HomeDirectory { get; }

    public string DataDirectory { get; }

    public string NodeId { get; }

    public string Moniker => _options.Moniker;

    public ConsensusGenesis ChainGenesis { get; }

    public GrpcPeerTransport Transport { get; }

    public Protocol.P2P.V1.ConsensusPeer.ConsensusPeerBase PeerService { get; }

    public ConsensusNode? Consensus { get; private set; }

    public PhoenixApplication? Application { get; private set; }

    public SerializedApplication? App { get; private set; }

    public TxMempool? Mempool { get; private set; }

    /// <summary>The application's signature verifier with its cache of verdicts.</summary>
    public CachingSignatureVerifier? Signatures { get; private set; }

    public ConsensusBlockStore? Blocks { get; private set; }

    /// <summary>Light blocks for the light-client API (set with the engine, before it starts, so replay fills it).</summary>
    public ConsensusLightBlockSource? LightBlocks { get; private set; }

    public KeyValueTxIndex? TxIndex { get; private set; }

    /// <summary>The node's blob store (durable <see cref="KeyValueBlobStore"/> unless storage is in memory).</summary>
    public IBlobStore? Blobs { get; private set; }

    /// <summary>The pins of the node's blob store (journalled; unfinished tasks re-pinned from chain state at start).</summary>
    public BlobPinTracker? Pins { get; private set; }

    private TaskBlobPins? TaskPins { get; set; }

    public FilePrivValidator? Signer { get; private set; }

    /// <summary>Replaces the signer built from the key file (tests: a byzantine signer); set before start.</summary>
    public Func<ReadOnlyMemory<byte>, string, IPrivValidator>? SignerFactory { get; set; }

    /// <summary>The last height fully processed by the host (applied, indexed, published); status and API agree with it.</summary>
    public long Height => Volatile.Read(ref _status)?.LatestHeight ?? 0;

    /// <summary>The height of the application state found in the state store when the node opened it.</summary>
    public long AppHeightAtOpen { get; private set; }

    public long CommittedTxs => Interlocked.Read(ref _committedTxs);

    public NodeStatus Status => Volatile.Read(ref _status) ?? new NodeStatus(
        ChainGenesis.ChainId, Moniker, Version, 0, 0, Hash32.Zero, ReadOnlyMemory<byte>.Empty, ChainGenesis.GenesisTime, true, 0,
        _key is null ? ReadOnlyMemory<byte>.Empty : Validator.AddressOf(_key.ToPublicKey().ToArray()), 0);

    public static string Version { get; } = typeof(NodeRuntime).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The node has already been started.");
        }

        try
        {
            Open();
            Transport.TxsReceived = OnPeerTxs;
            await Consensus!.StartAsync(cancellationToken).ConfigureAwait(false);
            InitialStatus();
            _gossip = Task.Run(() => GossipAsync(_stop.Token), CancellationToken.None);
            _peerTxWorker = Task.Factory.StartNew(() => AdmitPeerTxs(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            Log.StartRefused(_log, ex, Moniker, ex.Message);
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Log.NodeStarted(_log, Moniker, NodeId, ChainGenesis.ChainId, Height, _options.Consensus.Peers.Count);
    }

    private void Open()
    {
        Directory.CreateDirectory(DataDirectory);
        var storage = _options.Storage;
        IKeyValueStore OpenStore(string name) => storage.InMemory
            ? new InMemoryKeyValueStore()
            : RocksDbKeyValueStore.Open(Path.Combine(DataDirectory, name), new RocksDbStoreOptions { Kind = name, VerifyOnOpen = storage.VerifyOnOpen }, _loggers.CreateLogger<RocksDbKeyValueStore>());

        var blockKv = OpenStore("blocks");
        _owned.Add(blockKv);
        var encodedBlocks = new KeyValueBlockStore(blockKv, _loggers.CreateLogger<KeyValueBlockStore>());
        Blocks = new ConsensusBlockStore(encodedBlocks);

        var stateKv = OpenStore("state");
        _owned.Add(stateKv);
        var txKv = OpenStore("txindex");
        TxIndex = new KeyValueTxIndex(txKv);
        _owned.Add(TxIndex);

        // Signatures: verified once per node, on admission outside the application lock (the mempool's precheck), and
        // remembered for CheckTx and FinalizeBlock; a block's unknown signatures are verified on all cores.
        var signatures = new CachingSignatureVerifier(_options.Mempool.SignatureCacheSize);
        var application = new PhoenixApplicationBuilder().UseStore(stateKv).AddStandardModules().UseSignatureVerifier(signatures).Build();
        Application = application;
        Signatures = signatures;
        AppHeightAtOpen = Application.LastHeight;
        OpenBlobs();
        App = new SerializedApplication(Application, _metrics);
        Action<ReadOnlyMemory<byte>>? precheck = signatures.Capacity < 2 ? null : tx =>
        {
            if (application.Decoder.Decode(tx.Span).Transaction is { } decoded)
            {
                signatures.Verify(decoded);
            }
        };
        Mempool = new TxMempool(App, _options.Mempool, _metrics, _loggers.CreateLogger<TxMempool>(), precheck);

        IPrivValidator? signer = null;
        if (_key is not null)
        {
            var statePath = Path.Combine(DataDirectory, "priv_validator_state.json");
            if (SignerFactory is { } factory)
            {
                signer = factory(_key.SeedBytes(), statePath);
            }
            else
            {
                Signer = FilePrivValidator.Open(_key.SeedBytes(), statePath);
                _owned.Add(Signer);
                signer = Signer;
            }
        }

        IConsensusWal wal = NullConsensusWal.Instance;
        if (!storage.InMemory)
        {
            var fileWal = new FileConsensusWal(Path.Combine(DataDirectory, "cs.wal"));
            _owned.Add(fileWal);
            wal = fileWal;
        }

        var engineOptions = new TendermintEngineOptions
        {
            Genesis = ChainGenesis,
            Application = App,
            Signer = signer,
            BlockStore = Blocks,
            StateStore = new KeyValueChainStateStore(blockKv),
            Wal = wal,
            TxSource = new MempoolTxSource(Mempool, _options.Consensus.MaxBlockTxs),
            Timeouts = _options.Consensus.Timeouts,
            TimeProvider = _time,
            Logger = _loggers.CreateLogger<TendermintEngine>(),
        };
        Consensus = new ConsensusNode(engineOptions, Transport);
        Consensus.Engine.BlockCommitted += OnBlockCommitted;
        LightBlocks = new ConsensusLightBlockSource(Consensus.Engine, Blocks, blockKv);
    }

    // The blob store, its pins restored from their journal, and the pins of unfinished tasks rebuilt from the
    // application's committed state (before consensus starts; replayed blocks then update them like new ones).
    private void OpenBlobs()
    {
        var limit = _options.Blobs.MaxBlobBytes;
        if (_options.Storage.InMemory)
        {
            Blobs = new InMemoryBlobStore(limit);
        }
        else
        {
            var blobs = KeyValueBlobStore.OpenRocksDb(Path.Combine(DataDirectory, "blobs"), limit, logger: _loggers.CreateLogger<KeyValueBlobStore>());
            _owned.Add(blobs);
            Blobs = blobs;
        }

        Pins = new BlobPinTracker(Blobs);
        var restored = Pins.Owners().Count;
        TaskPins = new TaskBlobPins(Pins, Blobs);
        var (tasks, released) = TaskPins.Rebuild(Application!.CommittedState);
        Phoenix.Node.Blobs.Log.PinsRestored(_log, restored, tasks, released);
    }

    // Mempool gossip: transactions admitted from this node's clients go to every peer in batches; transactions from
    // peers are admitted through CheckTx with their source recorded and not relayed (validators are fully meshed).
    private async Task GossipAsync(CancellationToken cancellationToken)
    {
        const int maxBatchBytes = 1024 * 1024;
        var reader = Mempool!.NewTransactions;
        var batch = new List<ReadOnlyMemory<byte>>();
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var bytes = 0;
                while (bytes < maxBatchBytes && reader.TryRead(out var tx))
                {
                    if (tx.SourcePeer is null)
                    {
                        batch.Add(tx.Tx);
                        bytes += tx.Tx.Length;
                    }
                }

                if (batch.Count > 0)
                {
                    Transport.BroadcastTxs(batch);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Transactions from peers are admitted on a worker of their own: the peer stream that delivered them also carries
    // that peer's proposals and votes, which must not wait behind thousands of CheckTx calls. When the worker falls
    // behind, the newest batches are dropped (their transactions still arrive in blocks, and dropping the newest keeps
    // each sender's earlier sequences).
    private void OnPeerTxs(string peer, IReadOnlyList<Google.Protobuf.ByteString> txs)
    {
        if (!_peerTxs.Writer.TryWrite((peer, txs)))
        {
            Log.PeerTxsDropped(_log, peer, txs.Count);
        }
    }

    // A dedicated thread: admission is long synchronous work (CheckTx per transaction) that must not hold thread-pool
    // threads the consensus loop and the transport need.
    private void AdmitPeerTxs(CancellationToken cancellationToken)
    {
        var reader = _peerTxs.Reader;
        try
        {
            while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var item))
                {
                    Mempool?.AddBatch([.. item.Txs.Select(t => t.Memory)], item.Peer);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // After a restart with nothing to replay, report the resumed height until the next commit.
    private void InitialStatus()
    {
        var height = Consensus!.Height;
        if (Volatile.Read(ref _status) is not null || height == 0 || Blocks!.LoadBlock(height) is not { } stored)
        {
            return;
        }

        var api = ToApiBlock(stored.Block, stored.BlockBytes);
        Interlocked.CompareExchange(ref _status, new NodeStatus(
            ChainGenesis.ChainId, Moniker, Version, Blocks.Encoded.BaseHeight, height, api.Hash,
            App!.Read(a => ((PhoenixApplication)a).LastAppHash).ToArray(), stored.Block.Header.Time, false, 0,
            _key is null ? ReadOnlyMemory<byte>.Empty : Validator.AddressOf(_key.ToPublicKey().ToArray()), 0), null);
    }

    // Runs on the consensus loop (and during start-up replay): index, publish, metrics, status.
    private void OnBlockCommitted(object? sender, BlockCommittedEventArgs e)
    {
        var block = e.Block;
        var h = block.Header;
        var bytes = ConsensusMessageCodec.EncodeBlock(block);
        var api = ToApiBlock(block, bytes);
        var committed = new CommittedBlock(api, e.Result.TxResults, e.Result.Events);
        TxIndex!.Index(committed);
        if (Pins is { } pins)
        {
            var events = e.Result.Events.Concat(e.Result.TxResults.SelectMany(r => r.Events)).ToList();
            foreach (var ev in events)
            {
                pins.Apply(ev);
            }

            App!.Read(a => { TaskPins!.Apply(((PhoenixApplication)a).CommittedState, events); return 0; });
        }

        var now = _time.GetUtcNow();
        TimeSpan? interval = _lastCommitAt is { } last ? now - last : null;
        _lastCommitAt = now;
        Interlocked.Add(ref _committedTxs, block.Txs.Count);
        _metrics.BlockCommitted(h.Height, block.Txs.Count, interval);
        _metrics.SetRound(e.Commit.Round);
        _metrics.SetPeers(Transport.ConnectedPeers);

        var engine = Consensus!.Engine;
        var me = _key is null ? null : engine.State.NextValidators.GetByAddress(Validator.AddressOf(_key.ToPublicKey().ToArray()), out _);
        Volatile.Write(ref _status, new NodeStatus(
            ChainGenesis.ChainId,
            Moniker,
            Version,
            Blocks!.Encoded.BaseHeight,
            h.Height,
            api.Hash,
            e.Result.AppHash.ToArray(),
            h.Time,
            false,
            Transport.ConnectedPeers,
            _key is null ? ReadOnlyMemory<byte>.Empty : Validator.AddressOf(_key.ToPublicKey().ToArray()),
            me?.VotingPower ?? 0));
        Log.BlockCommitted(_log, h.Height, e.Commit.Round, block.Txs.Count, new HexBytes(e.Result.AppHash));

        _hub.Publish(committed);
    }

    public static ApiBlock ToApiBlock(Block block, byte[] bytes)
    {
        var h = block.Header;
        return new ApiBlock(
            h.Height,
            new Hash32(block.Hash()),
            h.Time,
            h.ProposerAddress,
            h.AppHash,
            h.LastBlockId.Hash.Length == Hash32.Length ? new Hash32(h.LastBlockId.Hash) : Hash32.Zero,
            [.. block.Txs.Select(t => (ReadOnlyMemory<byte>)t)],
            bytes);
    }

    public ApiBlock? GetBlock(long height)
    {
        if (Blocks is null || height < 1 || height > Height)
        {
            return null;
        }

        var stored = Blocks.LoadBlock(height);
        return stored is null ? null : ToApiBlock(stored.Block, stored.BlockBytes);
    }

    /// <summary>The app hash after <paramref name="height"/> (from the next block's header, or the latest state).</summary>
    public byte[]? AppHashAfter(long height)
    {
        var status = Status;
        if (height == status.LatestHeight)
        {
            return status.LatestAppHash.ToArray();
        }

        return height < status.LatestHeight ? Blocks?.LoadBlock(height + 1)?.Block.Header.AppHash : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _started, 2) == 2)
        {
            return;
        }

        var height = Height;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _gossip.ConfigureAwait(false);
        await _peerTxWorker.ConfigureAwait(false);
        if (Consensus is not null)
        {
            await Consensus.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await Transport.DisposeAsync().ConfigureAwait(false);
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
        _stop.Dispose();
        Log.NodeStopped(_log, Moniker, height);
    }
}

/// <summary>The mempool as the proposer's transaction source: reap by bytes and count, remove and re-check after commit.</summary>
internal sealed class MempoolTxSource(TxMempool mempool, int maxTxs) : ITxSource
{
    public IReadOnlyList<byte[]> ReapMaxBytes(long maxBytes)
        => [.. mempool.Reap(maxBytes, -1).Take(maxTxs).Select(t => t.Tx.ToArray())];

    public void Update(long height, IReadOnlyList<byte[]> committedTxs) => mempool.Update(height, committedTxs);

    public IDisposable EnterCommit() => mempool.LockForCommit();
}

/// <summary>Formats bytes as hex only when a log message is actually written.</summary>
internal readonly record struct HexBytes(ReadOnlyMemory<byte> Bytes)
{
    public override string ToString() => Convert.ToHexString(Bytes.Span);
}
