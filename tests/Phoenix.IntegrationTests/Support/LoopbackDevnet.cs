using Google.Protobuf;
using Grpc.Net.Client;
using Phoenix.Node;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.IntegrationTests.Support;

/// <summary>
/// N real <see cref="PhoenixNode"/> validators in this process on loopback (port 0), each with its own home directory
/// under a temporary folder, RocksDB stores and fast test timeouts. Nodes can be stopped and restarted on their port.
/// </summary>
internal sealed class LoopbackDevnet : IAsyncDisposable
{
    public const string ChainId = "phoenix-itest-1";
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private readonly string _root;
    private readonly Dictionary<Address, ulong> _sequences = [];
    private readonly GrpcChannel?[] _channels;

    private LoopbackDevnet(string root, IReadOnlyList<ValidatorHome> homes)
    {
        _root = root;
        Homes = homes;
        Nodes = new PhoenixNode?[homes.Count];
        Addresses = new Uri?[homes.Count];
        _channels = new GrpcChannel?[homes.Count];
    }

    public IReadOnlyList<ValidatorHome> Homes { get; }

    public PhoenixNode?[] Nodes { get; }

    public Uri?[] Addresses { get; }

    /// <summary>Funded senders (1,000,000 PHNX each).</summary>
    public static IReadOnlyList<TestKey> Senders { get; } = [TestKeys.Alice, TestKeys.Bob, TestKeys.Carol];

    public Func<int, PhoenixNodeOptions, PhoenixNodeOptions>? Customize { get; set; }

    public IEnumerable<PhoenixNode> Running => Nodes.Where(n => n is not null)!;

    public static ConsensusTimeoutOptions FastTimeouts() => new()
    {
        Propose = TimeSpan.FromMilliseconds(800), ProposeDelta = TimeSpan.FromMilliseconds(200),
        Prevote = TimeSpan.FromMilliseconds(300), PrevoteDelta = TimeSpan.FromMilliseconds(100),
        Precommit = TimeSpan.FromMilliseconds(300), PrecommitDelta = TimeSpan.FromMilliseconds(100),
        Commit = TimeSpan.FromMilliseconds(100),
    };

    public static async Task<LoopbackDevnet> StartAsync(int count, Func<int, PhoenixNodeOptions, PhoenixNodeOptions>? customize = null, bool start = true, Action<int, Phoenix.Node.Hosting.Internal.NodeRuntime>? beforeStart = null)
    {
        var root = Directory.CreateTempSubdirectory("phx-devnet-").FullName;
        var homes = ValidatorNetwork.Initialize(
            ChainId,
            Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            [.. Enumerable.Range(0, count).Select(i => Path.Combine(root, "v" + i))],
            b =>
            {
                foreach (var key in Senders)
                {
                    b.AddAccount(key.Address, Amount.FromTokens(1_000_000, Denom.Phnx));
                }
            });
        var net = new LoopbackDevnet(root, homes) { Customize = customize };
        if (start)
        {
            for (var i = 0; i < count; i++)
            {
                var index = i;
                await net.StartNodeAsync(i, beforeStart is null ? null : r => beforeStart(index, r));
            }
        }

        return net;
    }

    public PhoenixNodeOptions OptionsFor(int i)
    {
        var o = Homes[i].CreateOptions();
        o.ListenUrl = $"http://127.0.0.1:{Addresses[i]?.Port ?? 0}";
        o.Consensus.Timeouts = FastTimeouts();
        o.Health.MinPeers = 0;
        for (var j = 0; j < Homes.Count; j++)
        {
            if (j != i && Addresses[j] is { } a)
            {
                o.Consensus.Peers[Homes[j].NodeId] = a.ToString();
            }
        }

        return Customize?.Invoke(i, o) ?? o;
    }

    /// <summary>Starts (or restarts, on its old port) node <paramref name="i"/> and connects it with the others.</summary>
    public async Task<PhoenixNode> StartNodeAsync(int i, Action<Phoenix.Node.Hosting.Internal.NodeRuntime>? beforeStart = null)
    {
        var node = await PhoenixNode.StartAsync(OptionsFor(i), null, beforeStart, CancellationToken.None);
        Nodes[i] = node;
        Addresses[i] = node.ListenAddress;
        for (var j = 0; j < Nodes.Length; j++)
        {
            if (j != i && Nodes[j] is { } other)
            {
                other.AddPeer(node.NodeId, node.ListenAddress);
                node.AddPeer(other.NodeId, other.ListenAddress);
            }
        }

        return node;
    }

    public async Task StopNodeAsync(int i)
    {
        if (Nodes[i] is { } node)
        {
            Nodes[i] = null;
            _channels[i]?.Dispose();
            _channels[i] = null;
            await node.DisposeAsync();
        }
    }

    public NodeService.NodeServiceClient Client(int i)
    {
        _channels[i] ??= GrpcChannel.ForAddress(Addresses[i]!);
        return new NodeService.NodeServiceClient(_channels[i]);
    }

    /// <summary>Waits until every given node has committed <paramref name="height"/> (fails after <see cref="Generous"/>).</summary>
    public async Task WaitHeightAsync(long height, IEnumerable<int>? which = null, TimeSpan? limit = null)
    {
        var indexes = (which ?? Enumerable.Range(0, Nodes.Length)).ToList();
        var deadline = DateTimeOffset.UtcNow + (limit ?? Generous);
        while (true)
        {
            var lagging = indexes.Where(i => (Nodes[i]?.Height ?? 0) < height).ToList();
            if (lagging.Count == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"nodes {string.Join(",", lagging)} did not reach height {height} (at {string.Join(",", lagging.Select(i => Nodes[i]?.Height ?? -1))})");
            }

            await Task.Delay(50);
        }
    }

    public long MaxHeight(IEnumerable<int>? which = null) => (which ?? Enumerable.Range(0, Nodes.Length)).Max(i => Nodes[i]?.Height ?? 0);

    public void AssertSameAppHashes(long fromHeight, long toHeight, IEnumerable<int>? which = null)
    {
        var indexes = (which ?? Enumerable.Range(0, Nodes.Length)).ToList();
        for (var h = fromHeight; h <= toHeight; h++)
        {
            var hashes = indexes.Select(i => Nodes[i]!.AppHashAfter(h)).ToList();
            Assert.All(hashes, x => Assert.NotNull(x));
            var distinct = hashes.Select(x => Convert.ToHexString(x!)).Distinct().ToList();
            Assert.True(distinct.Count == 1, $"nodes disagree on the app hash after height {h}: {string.Join(", ", distinct)}");
        }
    }

    /// <summary>A signed transfer from <paramref name="from"/> with its next sequence.</summary>
    public byte[] Transfer(TestKey from, Address to, ulong uphnx)
    {
        _sequences.TryGetValue(from.Address, out var seq);
        _sequences[from.Address] = seq + 1;
        var body = new TxBody { ChainId = ChainId };
        body.Messages.Add(new SendMessage(to, [new Amount(uphnx, Denom.Phnx)]).ToWire());
        return TxEncoding.Sign(body, seq, new Amount(1000, Denom.Phnx), from.Seed);
    }

    public async Task<BroadcastTxResponse> BroadcastAsync(int node, byte[] tx, BroadcastMode mode = BroadcastMode.Sync)
        => await Client(node).BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(tx), Mode = mode });

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            await StopNodeAsync(i);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
