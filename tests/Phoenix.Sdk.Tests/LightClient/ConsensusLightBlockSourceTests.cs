using System.Text;
using Phoenix.Node.Api;
using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.LightClient;
using Phoenix.TestKit.Abci;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Tests.LightClient;

/// <summary>
/// The node's <see cref="ConsensusLightBlockSource"/> over the real embedded engine (four validators on the simulated
/// network), verified end to end by the SDK's light client, across a validator-set change and a node restart.
/// </summary>
public sealed class ConsensusLightBlockSourceTests
{
    private const string ChainId = "phoenix-light-sim";

    [Fact]
    public async Task LightClient_RealEngineChainWithValidatorRemoval_VerifiesEveryHeaderAndAppHash()
    {
        var sim = new Sim();
        sim.Network.StartAll();
        Assert.True(sim.Network.RunUntil(() => sim.Height >= 3, TimeSpan.FromMinutes(2)), "the chain did not reach height 3");
        sim.AddTx("k1=v1");
        sim.AddTx($"val:{Convert.ToHexString(Ed25519.GetPublicKey(Sim.Seed(3)))}!0");
        Assert.True(sim.Network.RunUntil(() => sim.Height >= 9, TimeSpan.FromMinutes(2)), "the chain did not reach height 9");

        var top = sim.Source.LatestHeight;
        using var light = new LightClientAppHashSource(new DirectProvider(sim.Source), sim.GenesisRoot(), timeProvider: sim.Network.Clock);
        var verified = await light.VerifyHeaderAsync(top);
        var sequential = new LightClientAppHashSource(new DirectProvider(sim.Source), sim.GenesisRoot(), new LightClientOptions { Sequential = true }, sim.Network.Clock);
        using (sequential)
        {
            for (var h = 2; h <= top; h++)
            {
                var header = await sequential.VerifyHeaderAsync(h);
                Assert.Equal(Convert.ToHexString(sim.Store.LoadBlock(h)!.Block.Hash()), Convert.ToHexString(header.Hash.ToArray()));
            }
        }

        var first = sim.Source.GetLightBlock(1)!;
        var last = sim.Source.GetLightBlock(top)!;
        Assert.Equal(4, first.ValidatorSet.Count);
        Assert.Equal(3, last.ValidatorSet.Count);
        Assert.Equal(CommitVerification.Valid, last.Commit.Verify(ChainId, last.ValidatorSet, last.Commit.BlockId, top));
        Assert.Equal(Convert.ToHexString(last.Header.Hash()), Convert.ToHexString(verified.Hash.ToArray()));
        Assert.Equal(Convert.ToHexString(last.Header.AppHash), Convert.ToHexString(verified.AppHash.ToArray()));
        Assert.Null(sim.Source.GetLightBlock(top + 1));
        Assert.Null(sim.Source.GetLightBlock(0));
    }

    [Fact]
    public void ConsensusLightBlockSource_AfterRestart_RebuildsValidatorHistoryFromReplay()
    {
        var sim = new Sim();
        sim.Network.StartAll();
        sim.AddTx($"val:{Convert.ToHexString(Ed25519.GetPublicKey(Sim.Seed(3)))}!0");
        Assert.True(sim.Network.RunUntil(() => sim.Height >= 6, TimeSpan.FromMinutes(2)), "the chain did not reach height 6");
        var before = Enumerable.Range(1, 6).Select(h => sim.Source.GetLightBlock(h)!.ToProto()).ToList();

        sim.Network.Stop(Sim.Id(0));
        sim.Restart(0);

        for (var h = 1; h <= 6; h++)
        {
            Assert.Equal(before[h - 1], sim.Source.GetLightBlock(h)!.ToProto());
        }
    }

    [Fact]
    public async Task LightClientGrpcService_NegativeOrUnknownHeight_ThrowsInvalidArgumentOrNotFound()
    {
        var sim = new Sim();
        var service = new LightClientGrpcService(sim.Source);

        var negative = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => service.GetLightBlock(new Wire.GetLightBlockRequest { Height = -1 }, null!));
        var missing = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => service.GetLightBlock(new Wire.GetLightBlockRequest { Height = 0 }, null!));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, negative.StatusCode);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, missing.StatusCode);
    }

    private sealed class DirectProvider(ILightBlockSource source) : ILightBlockProvider
    {
        public Task<Wire.LightBlock?> GetLightBlockAsync(long height, CancellationToken cancellationToken = default)
            => Task.FromResult(source.GetLightBlock(height)?.ToProto());
    }

    /// <summary>Four validators on the simulated network; node 0's store and light block source are observed.</summary>
    private sealed class Sim
    {
        private readonly Dictionary<string, QueueTxSource> _txs = [];
        private readonly Dictionary<string, InMemoryBlockStore> _stores = [];
        private readonly Dictionary<string, KvStoreApplication> _apps = [];
        private readonly ConsensusGenesis _genesis;

        public Sim()
        {
            Network = new SimulatedNetwork();
            _genesis = new ConsensusGenesis(ChainId, Timestamp.FromDateTimeOffset(Network.Clock.GetUtcNow()),
                Enumerable.Range(0, 4).Select(i => new ValidatorUpdate(Ed25519.GetPublicKey(Seed(i)), 10)).ToList(), ReadOnlyMemory<byte>.Empty);
            for (var i = 0; i < 4; i++)
            {
                var id = Id(i);
                _txs[id] = new QueueTxSource();
                _stores[id] = new InMemoryBlockStore();
                _apps[id] = new KvStoreApplication();
                var node = Network.AddNode(id, (outbox, clock) => Engine(id, outbox, clock));
                if (i == 0)
                {
                    Source = new ConsensusLightBlockSource(node.Engine, _stores[id]);
                }
            }
        }

        public SimulatedNetwork Network { get; }

        public ConsensusLightBlockSource Source { get; private set; } = null!;

        public InMemoryBlockStore Store => _stores[Id(0)];

        public long Height => Source.LatestHeight;

        public static string Id(int i) => $"v{i}";

        public static byte[] Seed(int i) => Enumerable.Repeat((byte)(0x40 + i), 32).ToArray();

        public LightClientTrustRoot GenesisRoot() => LightClientTrustRoot.FromValidators(ChainId, 1,
            Enumerable.Range(0, 4).Select(i => new TrustedValidator(new PublicKey(Ed25519.GetPublicKey(Seed(i))), 10)));

        public void AddTx(string tx)
        {
            foreach (var source in _txs.Values)
            {
                source.Add(Encoding.UTF8.GetBytes(tx));
            }
        }

        /// <summary>Restarts node i with a fresh application and a fresh light block source (the engine replays its store).</summary>
        public void Restart(int i)
        {
            var id = Id(i);
            _apps[id] = new KvStoreApplication();
            Network.Restart(id, (outbox, clock) =>
            {
                var engine = Engine(id, outbox, clock);
                Source = new ConsensusLightBlockSource(engine, _stores[id]);
                return engine;
            });
        }

        private TendermintEngine Engine(string id, IConsensusOutbox outbox, TimeProvider clock) => new(new TendermintEngineOptions
        {
            Genesis = _genesis,
            Application = _apps[id],
            Signer = FilePrivValidator.InMemory(Seed(int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture))),
            BlockStore = _stores[id],
            TxSource = _txs[id],
            Timeouts = new ConsensusTimeoutOptions
            {
                Propose = TimeSpan.FromMilliseconds(60),
                ProposeDelta = TimeSpan.FromMilliseconds(20),
                Prevote = TimeSpan.FromMilliseconds(30),
                PrevoteDelta = TimeSpan.FromMilliseconds(10),
                Precommit = TimeSpan.FromMilliseconds(30),
                PrecommitDelta = TimeSpan.FromMilliseconds(10),
                Commit = TimeSpan.FromMilliseconds(20),
            },
            TimeProvider = clock,
        }, outbox);
    }
}
