using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit.Abci;

namespace Phoenix.Node.Tests.Consensus.Tendermint;

/// <summary>N validators with KvStore apps on a simulated network, with fast timeouts.</summary>
internal sealed class SimulationHarness
{
    public const string ChainId = "phoenix-sim";

    public SimulationHarness(int validators, SimulatedNetworkOptions? options = null, ConsensusTimeoutOptions? timeouts = null)
    {
        Network = new SimulatedNetwork(options);
        Timeouts = timeouts ?? FastTimeouts();
        Seeds = Enumerable.Range(0, validators).Select(Seed).ToList();
        Genesis = new ConsensusGenesis(ChainId, Timestamp.FromDateTimeOffset(Network.Clock.GetUtcNow()),
            Seeds.Select(s => new ValidatorUpdate(Ed25519.GetPublicKey(s), 10)).ToList(), ReadOnlyMemory<byte>.Empty);
        for (var i = 0; i < validators; i++)
        {
            var id = NodeId(i);
            Apps[id] = new KvStoreApplication();
            Stores[id] = new InMemoryBlockStore();
            TxSources[id] = new QueueTxSource();
            Signers[id] = FilePrivValidator.InMemory(Seeds[i]);
            Network.AddNode(id, (outbox, clock) => CreateEngine(id, outbox, clock, Apps[id], NullConsensusWal.Instance));
        }
    }

    public SimulatedNetwork Network { get; }

    public ConsensusTimeoutOptions Timeouts { get; }

    public List<byte[]> Seeds { get; }

    public ConsensusGenesis Genesis { get; }

    public Dictionary<string, KvStoreApplication> Apps { get; } = [];

    public Dictionary<string, InMemoryBlockStore> Stores { get; } = [];

    public Dictionary<string, QueueTxSource> TxSources { get; } = [];

    public Dictionary<string, IPrivValidator> Signers { get; } = [];

    public static string NodeId(int i) => $"v{i:D3}";

    public static byte[] Seed(int i)
    {
        var seed = new byte[32];
        seed[0] = (byte)(i + 1);
        seed[1] = (byte)((i + 1) >> 8);
        seed[31] = 0x5a;
        return seed;
    }

    public static ConsensusTimeoutOptions FastTimeouts() => new()
    {
        Propose = TimeSpan.FromMilliseconds(60),
        ProposeDelta = TimeSpan.FromMilliseconds(20),
        Prevote = TimeSpan.FromMilliseconds(30),
        PrevoteDelta = TimeSpan.FromMilliseconds(10),
        Precommit = TimeSpan.FromMilliseconds(30),
        PrecommitDelta = TimeSpan.FromMilliseconds(10),
        Commit = TimeSpan.FromMilliseconds(20),
    };

    public TendermintEngine CreateEngine(string id, IConsensusOutbox outbox, TimeProvider clock, KvStoreApplication app, IConsensusWal wal)
        => new(new TendermintEngineOptions
        {
            Genesis = Genesis,
            Application = app,
            Signer = Signers[id],
            BlockStore = Stores[id],
            TxSource = TxSources[id],
            Timeouts = Timeouts,
            TimeProvider = clock,
            Wal = wal,
        }, outbox);

    public IEnumerable<SimulatedNode> Running => Network.Nodes.Values.Where(n => n.IsRunning);

    public long MinHeight(IEnumerable<SimulatedNode>? nodes = null) => (nodes ?? Running).Min(n => n.Engine.State.LastBlockHeight);

    public bool AllReached(long height, IEnumerable<SimulatedNode>? nodes = null) => MinHeight(nodes) >= height;

    public void AddTx(byte[] tx)
    {
        foreach (var source in TxSources.Values)
        {
            source.Add(tx);
        }
    }

    /// <summary>Asserts every node that stored <paramref name="height"/> stored the same block and has the same app hash after it.</summary>
    public void AssertAgreement(IEnumerable<SimulatedNode>? nodes = null)
    {
        var list = (nodes ?? Running).ToList();
        var common = list.Min(n => Stores[n.Id].Height);
        Assert.True(common > 0, "expected at least one committed block on every node");
        for (var h = 1; h <= common; h++)
        {
            var hashes = list.Select(n => Convert.ToHexString(Stores[n.Id].LoadBlock(h)!.Block.Hash())).Distinct().ToList();
            Assert.True(hashes.Count == 1, $"nodes disagree on block {h}: {string.Join(", ", hashes)}");
        }

        var byHeight = list.GroupBy(n => Apps[n.Id].Height);
        foreach (var g in byHeight)
        {
            Assert.Single(g.Select(n => Convert.ToHexString(Apps[n.Id].AppHash)).Distinct());
        }
    }
}
