using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Mempool;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet.Chain;

/// <summary>A committed block as the devnet saw it on validator 0.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The block hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="TxCount">Transactions in the block.</param>
/// <param name="Result">The application's FinalizeBlock response (events and per-tx results).</param>
public sealed record CommittedBlock(long Height, Hash32 Hash, Timestamp Time, int TxCount, FinalizeBlockResponse Result)
{
    /// <summary>
    /// Several consecutive blocks as one: the newest block's height, hash and time, with the transaction results and
    /// events of all of them in order (what the agents see when they fell behind the live chain).
    /// </summary>
    /// <param name="blocks">One or more blocks, in height order.</param>
    /// <returns>The merged block (the block itself when there is one).</returns>
    /// <exception cref="ArgumentException">No blocks.</exception>
    public static CommittedBlock Merge(IReadOnlyList<CommittedBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
        {
            throw new ArgumentException("At least one block is needed.", nameof(blocks));
        }

        if (blocks.Count == 1)
        {
            return blocks[0];
        }

        var last = blocks[^1];
        return last with
        {
            TxCount = blocks.Sum(b => b.TxCount),
            Result = last.Result with
            {
                TxResults = [.. blocks.SelectMany(b => b.Result.TxResults)],
                Events = [.. blocks.SelectMany(b => b.Result.Events)],
            },
        };
    }
}

/// <summary>
/// Four (or more) validators, each with its own data directory (RocksDB application state, consensus WAL, signer
/// state), running the embedded Tendermint engine on an in-process network with a virtual clock. The driver advances
/// the network one block at a time, so the run is reproducible and never waits on the wall clock; agents do their
/// (real) compute between blocks.
/// </summary>
/// <remarks>Only the driver calls <see cref="NextBlocksAsync"/> and <see cref="Submit"/>; <see cref="Read{T}"/> may be called concurrently.</remarks>
public sealed class DevnetChain : IDevnetChain
{
    private readonly Lock _readLock = new();
    private readonly SimulatedNetwork _network;
    private readonly List<ValidatorNode> _nodes = [];
    private readonly Queue<CommittedBlock> _committed = new();

    private DevnetChain(Genesis genesis, IReadOnlyList<DevnetKey> consensusKeys, string dataDir, ConsensusTimeoutOptions timeouts)
    {
        Genesis = genesis;
        _network = new SimulatedNetwork(new SimulatedNetworkOptions
        {
            Seed = 7,
            StartTime = DateTimeOffset.FromUnixTimeSeconds(genesis.GenesisTime.Seconds),
            MinDelay = TimeSpan.FromMilliseconds(2),
            MaxDelay = TimeSpan.FromMilliseconds(20),
        });
        var consensusGenesis = new ConsensusGenesis(genesis.ChainId, genesis.GenesisTime,
            [.. genesis.Validators.Select(v => new ValidatorUpdate(v.ConsensusKey.ToArray(), v.Power))], genesis.ToJson());
        for (var i = 0; i < consensusKeys.Count; i++)
        {
            var dir = Path.Combine(dataDir, $"validator-{i}");
            Directory.CreateDirectory(dir);
            var node = new ValidatorNode(i, dir, consensusKeys[i]);
            _nodes.Add(node);
            var id = $"validator-{i}";
            _network.AddNode(id, (outbox, clock) => new TendermintEngine(new TendermintEngineOptions
            {
                Genesis = consensusGenesis,
                Application = node.App,
                Signer = node.Signer,
                Wal = node.Wal,
                TxSource = new MempoolTxSource(node.Mempool),
                Timeouts = timeouts,
                TimeProvider = clock,
            }, outbox));
        }

        foreach (var node in _nodes)
        {
            _network.Nodes[$"validator-{node.Index}"].Engine.BlockCommitted += (_, e) => node.AppHashes[e.Block.Header.Height] = node.App.LastAppHash.ToString();
        }

        _network.Nodes["validator-0"].Engine.BlockCommitted += (_, e) => _committed.Enqueue(new CommittedBlock(
            e.Block.Header.Height, new Hash32(e.Block.Hash()), e.Block.Header.Time, e.Block.Txs.Count, e.Result));
        _network.StartAll();
    }

    /// <summary>The genesis every validator started from.</summary>
    public Genesis Genesis { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> DataDirectories => [.. _nodes.Select(n => n.Directory)];

    /// <inheritdoc />
    public long Height => _nodes[0].App.LastHeight;

    /// <inheritdoc />
    public bool RealTime => false;

    /// <inheritdoc />
    /// <remarks>Always empty: these validators talk over the in-process simulated network.</remarks>
    public IReadOnlyList<Uri> Endpoints => [];

    /// <summary>Starts the validators.</summary>
    /// <param name="genesis">The genesis.</param>
    /// <param name="consensusKeys">One consensus key per validator, in genesis order.</param>
    /// <param name="dataDir">The parent of the validators' data directories.</param>
    /// <param name="blockInterval">Virtual time between blocks (the commit timeout).</param>
    /// <returns>The running chain (height 0 until the first block).</returns>
    public static DevnetChain Start(Genesis genesis, IReadOnlyList<DevnetKey> consensusKeys, string dataDir, TimeSpan blockInterval)
    {
        var timeouts = new ConsensusTimeoutOptions
        {
            Propose = TimeSpan.FromSeconds(3),
            ProposeDelta = TimeSpan.FromMilliseconds(500),
            Prevote = TimeSpan.FromSeconds(1),
            PrevoteDelta = TimeSpan.FromMilliseconds(500),
            Precommit = TimeSpan.FromSeconds(1),
            PrecommitDelta = TimeSpan.FromMilliseconds(500),
            Commit = blockInterval,
        };
        return new DevnetChain(genesis, consensusKeys, dataDir, timeouts);
    }

    /// <inheritdoc />
    public T Read<T>(Func<PhoenixApplication, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_readLock)
        {
            return read(_nodes[0].App);
        }
    }

    /// <inheritdoc />
    /// <remarks>Gossips the transaction to every validator's mempool at once.</remarks>
    public MempoolAdmission Submit(byte[] tx)
    {
        var first = _nodes[0].Mempool.Add(tx);
        for (var i = 1; i < _nodes.Count; i++)
        {
            _nodes[i].Mempool.Add(tx);
        }

        return first;
    }

    /// <inheritdoc />
    /// <remarks>Runs the simulated network until validator 0 commits the next block (at most 10 virtual minutes).</remarks>
    public Task<IReadOnlyList<CommittedBlock>> NextBlocksAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<CommittedBlock>>([NextBlock()]);
    }

    /// <summary>Runs the network until validator 0 commits the next block (at most 10 virtual minutes).</summary>
    /// <returns>The committed block.</returns>
    /// <exception cref="InvalidOperationException">No block was committed (the network stalled).</exception>
    public CommittedBlock NextBlock()
    {
        if (_committed.Count == 0 && !_network.RunUntil(() => _committed.Count > 0, TimeSpan.FromMinutes(10)))
        {
            throw new InvalidOperationException($"The devnet committed no block after height {Height} within 10 virtual minutes.");
        }

        return _committed.Dequeue();
    }

    /// <inheritdoc />
    /// <remarks>Runs the simulated network (at most 60 virtual seconds) until the others catch up.</remarks>
    public Task<IReadOnlyList<string>> AppHashesAtCommonHeightAsync(CancellationToken cancellationToken)
    {
        var target = Height;
        _network.RunUntil(() => _nodes.All(n => n.App.LastHeight >= target), TimeSpan.FromSeconds(60));
        return Task.FromResult<IReadOnlyList<string>>([.. _nodes.Select(n => n.AppHashes.TryGetValue(target, out var h) ? h : $"validator-{n.Index} did not reach {target}").Distinct()]);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private sealed class ValidatorNode : IDisposable
    {
        private readonly RocksDbKeyValueStore _store;

        public ValidatorNode(int index, string directory, DevnetKey consensusKey)
        {
            Index = index;
            Directory = directory;
            _store = RocksDbKeyValueStore.Open(Path.Combine(directory, "state"));
            App = new PhoenixApplicationBuilder().UseStore(_store).AddStandardModules().Build();
            Mempool = new TxMempool(App, new MempoolOptions());
            Wal = new FileConsensusWal(Path.Combine(directory, "cs.wal"));
            Signer = FilePrivValidator.Open(consensusKey.Seed, Path.Combine(directory, "priv_validator_state.json"));
        }

        public int Index { get; }

        public string Directory { get; }

        public PhoenixApplication App { get; }

        public TxMempool Mempool { get; }

        public FileConsensusWal Wal { get; }

        public FilePrivValidator Signer { get; }

        public Dictionary<long, string> AppHashes { get; } = [];

        public void Dispose()
        {
            Wal.Dispose();
            Signer.Dispose();
            _store.Dispose();
        }
    }
}
