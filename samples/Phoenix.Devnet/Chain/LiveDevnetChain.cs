using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using NodeBlock = Phoenix.Node.Api.CommittedBlock;

namespace Phoenix.Devnet.Chain;

/// <summary>
/// The devnet's validators as real <see cref="PhoenixNode"/>s: each with its own home directory (genesis, key files,
/// RocksDB stores, consensus WAL, signer state), one HTTP/2 port on loopback serving the peer streams, the public
/// <c>NodeService</c> and the <c>BlobService</c>, and consensus between them over gRPC on the wall clock.
/// </summary>
/// <remarks>
/// The agents stay in this process: they read committed state from validator 0's application under its application
/// lock (<see cref="PhoenixNode.ReadState{T}"/>) and submit through validator 0's mempool, which gossips to the others
/// over gRPC, exactly as a transaction broadcast through its API would be. External tools (Phoenix.Buyer, Phoenix.Miner,
/// any SDK <c>PhoenixClient</c>) use <see cref="Endpoints"/>.
/// </remarks>
public sealed class LiveDevnetChain : IDevnetChain
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(90);
    private readonly PhoenixNode[] _nodes;
    private readonly Node.Api.ChainSubscription _blocks;
    private int _disposed;

    private LiveDevnetChain(Genesis genesis, PhoenixNode[] nodes, Node.Api.ChainSubscription blocks, IReadOnlyList<string> homes)
    {
        Genesis = genesis;
        _nodes = nodes;
        _blocks = blocks;
        DataDirectories = homes;
    }

    /// <summary>
    /// Consensus timeouts of the live devnet: shorter than a production network's, so that a block commits about every
    /// second on loopback even on a loaded machine.
    /// </summary>
    public static ConsensusTimeoutOptions Timeouts => new()
    {
        Propose = TimeSpan.FromSeconds(2),
        ProposeDelta = TimeSpan.FromMilliseconds(500),
        Prevote = TimeSpan.FromSeconds(1),
        PrevoteDelta = TimeSpan.FromMilliseconds(500),
        Precommit = TimeSpan.FromSeconds(1),
        PrecommitDelta = TimeSpan.FromMilliseconds(500),
        Commit = TimeSpan.FromSeconds(1),
    };

    /// <inheritdoc />
    public Genesis Genesis { get; }

    /// <inheritdoc />
    public long Height => _nodes[0].Height;

    /// <inheritdoc />
    public bool RealTime => true;

    /// <inheritdoc />
    public IReadOnlyList<Uri> Endpoints => [.. _nodes.Select(n => n.ListenAddress)];

    /// <inheritdoc />
    /// <remarks>The validators' home directories (each holds <c>genesis.json</c>, the key files and <c>data/</c>).</remarks>
    public IReadOnlyList<string> DataDirectories { get; }

    /// <summary>The running nodes, validator 0 first.</summary>
    public IReadOnlyList<PhoenixNode> Nodes => _nodes;

    /// <summary>Writes each validator's home and starts the nodes on loopback, connected to each other.</summary>
    /// <param name="genesis">The genesis (its validators' consensus keys must be <paramref name="consensusKeys"/>).</param>
    /// <param name="consensusKeys">One consensus key per validator, in genesis order.</param>
    /// <param name="operatorKeys">One operator key per validator, in genesis order (written to <c>operator_key.json</c>).</param>
    /// <param name="dataDir">The parent of the validators' home directories.</param>
    /// <param name="listenHost">The host the nodes listen on (loopback unless the network should be reachable from elsewhere).</param>
    /// <param name="basePort">Validator i listens on <c>basePort + i</c>; 0 lets the system pick free ports.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running network (height 0 until the first block).</returns>
    /// <exception cref="ArgumentException">The key lists do not match the genesis's validators, or the port is out of range.</exception>
    public static async Task<LiveDevnetChain> StartAsync(Genesis genesis, IReadOnlyList<DevnetKey> consensusKeys, IReadOnlyList<DevnetKey> operatorKeys, string dataDir,
        string listenHost = "127.0.0.1", int basePort = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(consensusKeys);
        ArgumentNullException.ThrowIfNull(operatorKeys);
        if (consensusKeys.Count != genesis.Validators.Count || operatorKeys.Count != consensusKeys.Count)
        {
            throw new ArgumentException($"The genesis has {genesis.Validators.Count} validators; got {consensusKeys.Count} consensus and {operatorKeys.Count} operator keys.", nameof(consensusKeys));
        }

        if (basePort is < 0 || basePort + consensusKeys.Count - 1 > 65_535)
        {
            throw new ArgumentException($"The base port {basePort} leaves no room for {consensusKeys.Count} validators.", nameof(basePort));
        }

        var homes = new List<string>();
        var json = genesis.ToJson();
        for (var i = 0; i < consensusKeys.Count; i++)
        {
            var home = Path.Combine(dataDir, $"validator-{i}");
            Directory.CreateDirectory(home);
            File.WriteAllBytes(Path.Combine(home, ValidatorNetwork.GenesisFileName), json);
            ValidatorKeyFile.FromSeed(consensusKeys[i].Seed).Write(Path.Combine(home, ValidatorNetwork.ConsensusKeyFileName));
            ValidatorKeyFile.FromSeed(operatorKeys[i].Seed).Write(Path.Combine(home, ValidatorNetwork.OperatorKeyFileName));
            homes.Add(home);
        }

        var nodes = new List<PhoenixNode>();
        Node.Api.ChainSubscription? blocks = null;
        try
        {
            for (var i = 0; i < homes.Count; i++)
            {
                var options = new Node.PhoenixNodeOptions
                {
                    HomeDirectory = homes[i],
                    Moniker = $"validator-{i}",
                    ListenUrl = $"http://{listenHost}:{(basePort == 0 ? 0 : basePort + i)}",
                };
                options.Consensus.Timeouts = Timeouts;
                options.Health.MinPeers = 0;
                var node = await PhoenixNode.StartAsync(options, null, cancellationToken).ConfigureAwait(false);

                // Subscribe before anyone can commit (3 of 4 validators are needed), so the runner sees every block.
                blocks ??= node.Events.Subscribe();
                foreach (var other in nodes)
                {
                    other.AddPeer(node.NodeId, node.ListenAddress);
                    node.AddPeer(other.NodeId, other.ListenAddress);
                }

                nodes.Add(node);
            }
        }
        catch
        {
            blocks?.Dispose();
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new LiveDevnetChain(genesis, [.. nodes], blocks!, homes);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CommittedBlock>> NextBlocksAsync(CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(StallLimit);
        NodeBlock first;
        try
        {
            first = await _blocks.Reader.ReadAsync(stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The live devnet committed no block after height {Height} within {StallLimit.TotalSeconds:0} s.");
        }

        var list = new List<CommittedBlock> { ToDevnetBlock(first) };
        while (_blocks.Reader.TryRead(out var next))
        {
            list.Add(ToDevnetBlock(next));
        }

        return list;
    }

    /// <inheritdoc />
    /// <remarks>Validator 0 gossips the transaction to the other validators over gRPC.</remarks>
    public MempoolAdmission Submit(byte[] tx) => _nodes[0].Mempool.Add(tx);

    /// <inheritdoc />
    public T Read<T>(Func<PhoenixApplication, T> read) => _nodes[0].ReadState(read);

    /// <inheritdoc />
    /// <remarks>Waits up to 60 s of wall-clock time for the others to catch up.</remarks>
    public async Task<IReadOnlyList<string>> AppHashesAtCommonHeightAsync(CancellationToken cancellationToken)
    {
        var target = Height;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (_nodes.Any(n => n.Height < target) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return [.. _nodes.Select((n, i) => n.AppHashAfter(target) is { } h ? Convert.ToHexStringLower(h) : $"validator-{i} did not reach {target}").Distinct()];
    }

    /// <inheritdoc />
    /// <remarks>Stops every node (consensus, stores, server), validator 0 last.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _blocks.Dispose();
        for (var i = _nodes.Length - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync().ConfigureAwait(false);
        }
    }

    private static CommittedBlock ToDevnetBlock(NodeBlock b) => new(b.Block.Height, b.Block.Hash, b.Block.Time, b.Block.Txs.Count,
        new FinalizeBlockResponse(b.BlockEvents, b.TxResults, [], null, b.Block.AppHash));
}
