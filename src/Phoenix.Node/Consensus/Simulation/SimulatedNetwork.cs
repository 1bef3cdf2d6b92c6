using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;

namespace Phoenix.Node.Consensus.Simulation;

/// <summary>Settings of a <see cref="SimulatedNetwork"/>.</summary>
public sealed class SimulatedNetworkOptions
{
    /// <summary>Seed of the network's random number generator (delays, drops).</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>Smallest message delay.</summary>
    /// <value>The default value is 1 millisecond.</value>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Largest message delay (delays are uniform between the two, so messages reorder).</summary>
    /// <value>The default value is 10 milliseconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability, in parts per thousand, that a message is dropped.</summary>
    /// <value>The default value is 0.</value>
    public int DropPerMille { get; set; }

    /// <summary>The virtual time the simulation starts at.</summary>
    /// <value>The default value is 2026-01-01T00:00:00Z.</value>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>A node in a <see cref="SimulatedNetwork"/>.</summary>
public sealed class SimulatedNode
{
    private readonly Dictionary<MessageOutcome, int> _outcomes = [];

    internal SimulatedNode(string id) => Id = id;

    /// <summary>The node id (also its peer id).</summary>
    public string Id { get; }

    /// <summary>The node's engine (replaced on restart).</summary>
    public TendermintEngine Engine { get; internal set; } = null!;

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning { get; internal set; }

    internal int Epoch { get; set; }

    /// <summary>How many received messages ended with each outcome.</summary>
    public IReadOnlyDictionary<MessageOutcome, int> Outcomes => _outcomes;

    internal void Count(MessageOutcome outcome) => _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
}

/// <summary>
/// Runs N engines in one process over a simulated network with virtual time: messages are delayed, reordered,
/// dropped and partitioned by a seeded random number generator, so a run is deterministic for a seed and takes no
/// wall-clock waiting. Single-threaded; not thread-safe.
/// </summary>
public sealed class SimulatedNetwork
{
    private readonly SimulatedNetworkOptions _options;
#pragma warning disable CA5394 // Simulation randomness, not security.
    private readonly Random _random;
#pragma warning restore CA5394
    private readonly PriorityQueue<Action, (long Ticks, long Seq)> _events = new();
    private readonly Dictionary<string, SimulatedNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _partitionOf = new(StringComparer.Ordinal);
    private long _seq;

    /// <summary>Creates an empty network.</summary>
    /// <param name="options">Settings.</param>
    public SimulatedNetwork(SimulatedNetworkOptions? options = null)
    {
        _options = options ?? new SimulatedNetworkOptions();
        _random = new Random(_options.Seed);
        Clock = new SimulatedClock(_options.StartTime);
    }

    /// <summary>The virtual clock every node reads.</summary>
    public SimulatedClock Clock { get; }

    /// <summary>The nodes, by id.</summary>
    public IReadOnlyDictionary<string, SimulatedNode> Nodes => _nodes;

    /// <summary>
    /// Rewrites a node's outgoing messages (for scripted Byzantine behaviour): given the sender and the message, returns
    /// the messages actually sent. Null sends messages unchanged.
    /// </summary>
    public Func<string, ConsensusMessage, IEnumerable<ConsensusMessage>>? OutgoingInterceptor { get; set; }

    /// <summary>Adds a node; <paramref name="createEngine"/> builds its engine from the outbox and clock it must use.</summary>
    /// <param name="id">Node id.</param>
    /// <param name="createEngine">Engine factory (called again on <see cref="Restart"/>).</param>
    /// <returns>The node (not started).</returns>
    public SimulatedNode AddNode(string id, Func<IConsensusOutbox, TimeProvider, TendermintEngine> createEngine)
    {
        ArgumentNullException.ThrowIfNull(createEngine);
        var node = new SimulatedNode(id);
        node.Engine = createEngine(new Outbox(this, node), Clock);
        _nodes.Add(id, node);
        return node;
    }

    /// <summary>Starts every node that is not running.</summary>
    public void StartAll()
    {
        foreach (var node in _nodes.Values.Where(n => !n.IsRunning))
        {
            node.IsRunning = true;
            node.Engine.Start();
        }
    }

    /// <summary>Stops a node: it receives nothing and its pending timeouts are dropped.</summary>
    /// <param name="id">Node id.</param>
    public void Stop(string id)
    {
        var node = _nodes[id];
        node.IsRunning = false;
        node.Epoch++;
    }

    /// <summary>Restarts a stopped node with a fresh engine (which replays its store and WAL in <c>Start</c>).</summary>
    /// <param name="id">Node id.</param>
    /// <param name="createEngine">Engine factory.</param>
    public void Restart(string id, Func<IConsensusOutbox, TimeProvider, TendermintEngine> createEngine)
    {
        ArgumentNullException.ThrowIfNull(createEngine);
        var node = _nodes[id];
        node.Epoch++;
        node.Engine = createEngine(new Outbox(this, node), Clock);
        node.IsRunning = true;
        node.Engine.Start();
    }

    /// <summary>Splits the network: messages only flow within a group. Nodes in no group are isolated.</summary>
    /// <param name="groups">The groups of node ids.</param>
    public void Partition(params IEnumerable<string>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _partitionOf.Clear();
        foreach (var id in _nodes.Keys)
        {
            _partitionOf[id] = -1 - _partitionOf.Count;
        }

        for (var g = 0; g < groups.Length; g++)
        {
            foreach (var id in groups[g])
            {
                _partitionOf[id] = g;
            }
        }
    }

    /// <summary>Removes every partition.</summary>
    public void Heal() => _partitionOf.Clear();

    /// <summary>Delivers raw bytes to a node as if sent by <paramref name="from"/> (malformed-input tests).</summary>
    /// <param name="from">The claimed sender.</param>
    /// <param name="to">The receiver.</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The receiver's verdict.</returns>
    public MessageOutcome Inject(string from, string to, byte[] bytes)
    {
        var node = _nodes[to];
        var outcome = node.Engine.HandleMessage(from, bytes);
        node.Count(outcome);
        return outcome;
    }

    /// <summary>Processes events in virtual-time order until <paramref name="condition"/> holds or the virtual time budget is spent.</summary>
    /// <param name="condition">The goal.</param>
    /// <param name="maxVirtualTime">Budget of virtual time from now.</param>
    /// <returns>Whether the goal was reached.</returns>
    public bool RunUntil(Func<bool> condition, TimeSpan maxVirtualTime)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = Clock.GetUtcNow() + maxVirtualTime;
        while (!condition())
        {
            if (!_events.TryPeek(out _, out var at) || at.Ticks > deadline.UtcTicks)
            {
                Clock.Set(deadline);
                return condition();
            }

            var action = _events.Dequeue();
            Clock.Set(new DateTimeOffset(at.Ticks, TimeSpan.Zero));
            action();
        }

        return true;
    }

    /// <summary>Runs for a fixed span of virtual time.</summary>
    /// <param name="duration">How long.</param>
    public void RunFor(TimeSpan duration) => RunUntil(static () => false, duration);

    private void Enqueue(TimeSpan delay, Action action)
        => _events.Enqueue(action, ((Clock.GetUtcNow() + delay).UtcTicks, _seq++));

    private bool Connected(string a, string b)
        => _partitionOf.Count == 0 || _partitionOf.GetValueOrDefault(a, -1000) == _partitionOf.GetValueOrDefault(b, -1001);

    private void Transmit(SimulatedNode from, string to, byte[] bytes)
    {
        if (!Connected(from.Id, to) || _random.Next(1000) < _options.DropPerMille)
        {
            return;
        }

        var span = (_options.MaxDelay - _options.MinDelay).Ticks;
        var delay = _options.MinDelay + TimeSpan.FromTicks(span <= 0 ? 0 : _random.NextInt64(span));
        Enqueue(delay, () =>
        {
            var target = _nodes[to];
            if (target.IsRunning && Connected(from.Id, to))
            {
                target.Count(target.Engine.HandleMessage(from.Id, bytes));
            }
        });
    }

    private IEnumerable<ConsensusMessage> Intercept(SimulatedNode from, ConsensusMessage message)
        => OutgoingInterceptor?.Invoke(from.Id, message) ?? [message];

    private sealed class Outbox(SimulatedNetwork network, SimulatedNode node) : IConsensusOutbox
    {
        private readonly int _epoch = node.Epoch;

        public void Broadcast(ConsensusMessage message)
        {
            if (!Live)
            {
                return;
            }

            foreach (var m in network.Intercept(node, message))
            {
                var bytes = ConsensusMessageCodec.Encode(m);
                foreach (var peer in network._nodes.Keys)
                {
                    if (peer != node.Id)
                    {
                        network.Transmit(node, peer, bytes);
                    }
                }
            }
        }

        public void Send(string peerId, ConsensusMessage message)
        {
            if (Live && network._nodes.ContainsKey(peerId))
            {
                foreach (var m in network.Intercept(node, message))
                {
                    network.Transmit(node, peerId, ConsensusMessageCodec.Encode(m));
                }
            }
        }

        public void ScheduleTimeout(TimeoutInfo timeout)
        {
            var epoch = _epoch;
            network.Enqueue(timeout.Duration, () =>
            {
                if (node.IsRunning && node.Epoch == epoch)
                {
                    node.Engine.HandleTimeout(timeout);
                }
            });
        }

        private bool Live => node.Epoch == _epoch;
    }
}

/// <summary>A <see cref="TimeProvider"/> whose time only moves when the simulation moves it.</summary>
public sealed class SimulatedClock : TimeProvider
{
    private DateTimeOffset _now;

    /// <summary>Creates the clock.</summary>
    /// <param name="start">Initial time.</param>
    public SimulatedClock(DateTimeOffset start) => _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    internal void Set(DateTimeOffset now)
    {
        if (now > _now)
        {
            _now = now;
        }
    }
}
