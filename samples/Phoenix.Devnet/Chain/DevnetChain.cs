using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Mempool;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Devnet.Chain;

/// <summary>A committed block as the devnet saw it on validator 0.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The block hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="TxCount">Transactions in the block.</param>
/// <param name="Result">The application's FinalizeBlock response (events and per-tx results).</param>
public sealed record CommittedBlock(long Height, Hash32 Hash, Timestamp Time, int TxCount, FinalizeBlockResponse Result);

/// <summary>
/// Four (or more) validators, each with its own data directory (RocksDB application state, consensus WAL, signer
/// state), running the embedded Tendermint engine on an in-process network with a virtual clock. The driver advances
/// the network one block at a time, so the run is reproducible and never waits on the wall clock; agents do their
/// (real) compute between blocks.
/// </summary>
/// <remarks>Single-threaded: only the driver calls <see cref="NextBlock"/>, <see cref="Submit"/> and <see cref="State"/>.</remarks>
public sealed class DevnetChain : IDisposable
{
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

    /// <summary>The data directory of each validator.</summary>
    public IReadOnlyList<string> DataDirectories => [.. _nodes.Select(n => n.Directory)];

    /// <summary>The application of validator 0 (committed state after the last block).</summary>
    public PhoenixApplication App => _nodes[0].App;

    /// <summary>The committed state of validator 0.</summary>
    public IStateReader State => _nodes[0].App.CommittedState;

    /// <summary>The last committed height on validator 0.</summary>
    public long Height => _nodes[0].App.LastHeight;

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

    /// <summary>Gossips a transaction to every validator's mempool (each runs CheckTx).</summary>
    /// <param name="tx">The signed transaction.</param>
    /// <returns>Validator 0's admission verdict.</returns>
    public MempoolAdmission Submit(byte[] tx)
    {
        var first = _nodes[0].Mempool.Add(tx);
        for (var i = 1; i < _nodes.Count; i++)
        {
            _nodes[i].Mempool.Add(tx);
        }

        return first;
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

    /// <summary>Runs until every validator has reached validator 0's height, then compares their app hashes there.</summary>
    /// <returns>The distinct app hashes at that height (one entry when all validators agree).</returns>
    public IReadOnlyList<string> AppHashesAtCommonHeight()
    {
        var target = Height;
        _network.RunUntil(() => _nodes.All(n => n.App.LastHeight >= target), TimeSpan.FromSeconds(60));
        return [.. _nodes.Select(n => n.AppHashes.TryGetValue(target, out var h) ? h : $"validator-{n.Index} did not reach {target}").Distinct()];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
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
