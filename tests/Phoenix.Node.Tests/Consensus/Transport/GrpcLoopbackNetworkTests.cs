using Google.Protobuf;
using Grpc.Net.Client;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Tests.Consensus.Tendermint;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.P2P.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit.Abci;

namespace Phoenix.Node.Tests.Consensus.Transport;

public class GrpcLoopbackNetworkTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task FourValidators_OverGrpcStreams_CommitFiftyBlocksAndSurviveOneStoppedAndGarbage()
    {
        await using var net = await LoopbackNetwork.StartAsync(4);
        await net.WaitAllAsync(50, net.Nodes);
        for (var height = 1; height <= 50; height++)
        {
            net.AssertSameAppHashAt(height);
        }

        // Malformed, oversized and replayed frames from a peer on a real socket: rejected, nobody crashes.
        using (var channel = GrpcChannel.ForAddress(net.Transports[0].ListenAddress!))
        {
            var client = new ConsensusPeer.ConsensusPeerClient(channel);
            using var call = client.Exchange();
            await call.RequestStream.WriteAsync(new PeerFrame { Hello = new Hello { ChainId = SimulationHarness.ChainId, NodeId = "intruder" } });
            await call.RequestStream.WriteAsync(new PeerFrame { Envelope = ByteString.CopyFrom([0xff, 0xff, 0xff, 0x0f]) });
            await call.RequestStream.WriteAsync(new PeerFrame { Envelope = ByteString.CopyFrom(new byte[ConsensusMessageCodec.DefaultMaxMessageBytes + 10]) });
            var replay = ConsensusMessageCodec.Encode(new Phoenix.Node.Consensus.Transport.VoteMessage(net.Nodes[1].Engine.LastCommit.GetVote(0)));
            await call.RequestStream.WriteAsync(new PeerFrame { Envelope = ByteString.CopyFrom(replay) });
            await call.RequestStream.CompleteAsync();
        }

        var stopped = net.Nodes[3];
        await stopped.DisposeAsync();
        var rest = net.Nodes.Take(3).ToList();
        var target = rest.Max(n => n.Height) + 3;
        await net.WaitAllAsync(target, rest);
        net.AssertSameAppHashAt(target, rest);
    }

    [Fact]
    public async Task ValidatorKilledAndRestarted_OverGrpc_CatchesUpWithoutDoubleSigning()
    {
        var dir = Directory.CreateTempSubdirectory("phx-grpc-restart-").FullName;
        try
        {
            var signerPath = Path.Combine(dir, "signer.json");
            var wal = new FileConsensusWal(Path.Combine(dir, "cs.wal"));
            var store = new InMemoryBlockStore();
            await using var net = await LoopbackNetwork.StartAsync(4, (i, o) => i != 3 ? o : new TendermintEngineOptions
            {
                Genesis = o.Genesis, Application = o.Application, Timeouts = o.Timeouts,
                Signer = FilePrivValidator.Open(SimulationHarness.Seed(3), signerPath), Wal = wal, BlockStore = store,
            });
            await net.WaitAllAsync(5, net.Nodes);
            var victim = net.Nodes[3];
            await victim.DisposeAsync();
            wal.Dispose();
            ((IDisposable)net.Options[3].Signer!).Dispose();
            var stoppedAt = store.Height;
            var others = net.Nodes.Take(3).ToList();
            await net.WaitAllAsync(stoppedAt + 5, others);

            var restarted = await net.RestartAsync(3, new TendermintEngineOptions
            {
                Genesis = net.Options[3].Genesis, Application = new KvStoreApplication(), Timeouts = net.Options[3].Timeouts,
                Signer = FilePrivValidator.Open(SimulationHarness.Seed(3), signerPath), Wal = new FileConsensusWal(Path.Combine(dir, "cs.wal")), BlockStore = store,
            });
            var target = others.Max(n => n.Height) + 3;
            await net.WaitAllAsync(target, net.Nodes);
            net.AssertSameAppHashAt(target);

            // No validator saw conflicting votes from the restarted one (its evidence would reach FinalizeBlock).
            Assert.All(net.Options.Take(3), o => Assert.Empty(((KvStoreApplication)o.Application).Misbehavior));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class LoopbackNetwork : IAsyncDisposable
    {
        private readonly Dictionary<ConsensusNode, Dictionary<long, byte[]>> _appHashes = [];
        private readonly Dictionary<ConsensusNode, List<(long Height, TaskCompletionSource Signal)>> _waiters = [];
        private readonly Lock _lock = new();

        public List<ConsensusNode> Nodes { get; } = [];

        public List<GrpcPeerTransport> Transports { get; } = [];

        public List<TendermintEngineOptions> Options { get; } = [];

        /// <summary>Restarts node <paramref name="i"/> on its old port with its store, signer file and WAL (a process restart).</summary>
        public async Task<ConsensusNode> RestartAsync(int i, TendermintEngineOptions options)
        {
            var old = Transports[i].ListenAddress!;
            var transport = new GrpcPeerTransport(new GrpcPeerTransportOptions
            {
                NodeId = SimulationHarness.NodeId(i),
                ChainId = SimulationHarness.ChainId,
                ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, old.Port),
            });
            for (var j = 0; j < Nodes.Count; j++)
            {
                if (j != i)
                {
                    transport.AddPeerOnStart(new PeerAddress(SimulationHarness.NodeId(j), Transports[j].ListenAddress!));
                }
            }

            var node = new ConsensusNode(options, transport);
            lock (_lock)
            {
                _appHashes[node] = [];
                _waiters[node] = [];
            }

            node.Engine.BlockCommitted += (_, e) => OnCommitted(node, e);
            Nodes[i] = node;
            Transports[i] = transport;
            await node.StartAsync();
            return node;
        }

        public static async Task<LoopbackNetwork> StartAsync(int count, Func<int, TendermintEngineOptions, TendermintEngineOptions>? customize = null)
        {
            var net = new LoopbackNetwork();
            var seeds = Enumerable.Range(0, count).Select(SimulationHarness.Seed).ToList();
            var genesis = new ConsensusGenesis(SimulationHarness.ChainId, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                seeds.Select(s => new ValidatorUpdate(Ed25519.GetPublicKey(s), 10)).ToList(), ReadOnlyMemory<byte>.Empty);
            var transports = Enumerable.Range(0, count).Select(i => new GrpcPeerTransport(new GrpcPeerTransportOptions
            {
                NodeId = SimulationHarness.NodeId(i),
                ChainId = SimulationHarness.ChainId,
            })).ToList();
            for (var i = 0; i < count; i++)
            {
                var options = new TendermintEngineOptions
                {
                    Genesis = genesis,
                    Application = new KvStoreApplication(),
                    Signer = FilePrivValidator.InMemory(seeds[i]),
                    Timeouts = new ConsensusTimeoutOptions
                    {
                        Propose = TimeSpan.FromMilliseconds(500), ProposeDelta = TimeSpan.FromMilliseconds(100),
                        Prevote = TimeSpan.FromMilliseconds(200), PrevoteDelta = TimeSpan.FromMilliseconds(100),
                        Precommit = TimeSpan.FromMilliseconds(200), PrecommitDelta = TimeSpan.FromMilliseconds(100),
                        Commit = TimeSpan.FromMilliseconds(10),
                    },
                };
                options = customize?.Invoke(i, options) ?? options;
                net.Options.Add(options);
                var node = new ConsensusNode(options, transports[i]);
                net._appHashes[node] = [];
                net._waiters[node] = [];
                node.Engine.BlockCommitted += (_, e) => net.OnCommitted(node, e);
                net.Nodes.Add(node);
                net.Transports.Add(transports[i]);
            }

            // Listen first (port 0), then tell everyone the real addresses.
            foreach (var node in net.Nodes)
            {
                await node.StartAsync();
            }

            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < count; j++)
                {
                    if (i != j)
                    {
                        transports[i].AddPeer(new PeerAddress(SimulationHarness.NodeId(j), transports[j].ListenAddress!));
                    }
                }
            }

            return net;
        }

        public async Task WaitAllAsync(long height, IEnumerable<ConsensusNode> nodes)
        {
            var tasks = nodes.Select((n, i) => (Node: n, Task: Waiter(n, height))).ToList();
            foreach (var (node, task) in tasks)
            {
                try
                {
                    await task.WaitAsync(Generous);
                }
                catch (TimeoutException)
                {
                    Assert.Fail($"node {Nodes.IndexOf(node)} did not commit height {height} within {Generous} (at {node.Height})");
                }
            }
        }

        public void AssertSameAppHashAt(long height, IEnumerable<ConsensusNode>? nodes = null)
        {
            lock (_lock)
            {
                var hashes = (nodes ?? Nodes).Select(n => Convert.ToHexString(_appHashes[n][height])).Distinct().ToList();
                Assert.True(hashes.Count == 1, $"nodes disagree on the app hash after height {height}: {string.Join(", ", hashes)}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in Nodes)
            {
                await node.DisposeAsync();
            }
        }

        private Task Waiter(ConsensusNode node, long height)
        {
            lock (_lock)
            {
                if (_appHashes[node].ContainsKey(height))
                {
                    return Task.CompletedTask;
                }

                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters[node].Add((height, tcs));
                return tcs.Task;
            }
        }

        private void OnCommitted(ConsensusNode node, BlockCommittedEventArgs e)
        {
            lock (_lock)
            {
                _appHashes[node][e.Block.Header.Height] = e.Result.AppHash.ToArray();
                foreach (var (height, signal) in _waiters[node].Where(w => w.Height <= e.Block.Header.Height).ToList())
                {
                    signal.TrySetResult();
                    _waiters[node].Remove((height, signal));
                }
            }
        }
    }
}
