using Phoenix.Devnet.Chain;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Devnet.Agents;

/// <summary>
/// What every agent sees after a block: validator 0's committed state (read through <see cref="IDevnetChain.Read{T}"/>, because agents run concurrently),
/// the block's hash, time and events, and the market's records. Agents only read; they act by returning transactions.
/// </summary>
public sealed class ChainView
{
    private readonly IDevnetChain _chain;

    internal ChainView(IDevnetChain chain, CommittedBlock block)
    {
        _chain = chain;
        Block = block;
        (Parameters, Tasks, Batches, Disputes, Price) = chain.Read(app =>
        {
            var state = app.CommittedState;
            return (app.Parameters, ReadAll(id => TaskMarketModule.GetTask(state, id)), ReadAll(id => TaskMarketModule.GetBatch(state, id)),
                ReadAll(id => TaskMarketModule.GetDispute(state, id)), OracleModule.GetPrice(state, block.Time, app.Parameters));
        });
    }

    /// <summary>
    /// The block just committed (on the live backend, when the agents fell behind, the newest of several blocks, carrying the
    /// events and transaction results of all of them). Everything else the view reads is validator 0's committed state now,
    /// which on the live backend may already be a block or two further.
    /// </summary>
    public CommittedBlock Block { get; }

    /// <summary>The block height.</summary>
    public long Height => Block.Height;

    /// <summary>The block's BFT time.</summary>
    public Timestamp Time => Block.Time;

    /// <summary>The chain parameters.</summary>
    public ChainParameters Parameters { get; }

    /// <summary>Every task, by id order.</summary>
    public IReadOnlyList<TaskRecord> Tasks { get; }

    /// <summary>Every batch, by id order.</summary>
    public IReadOnlyList<BatchRecord> Batches { get; }

    /// <summary>Every dispute, by id order.</summary>
    public IReadOnlyList<DisputeRecord> Disputes { get; }

    /// <summary>The oracle price at this block.</summary>
    public OraclePrice Price { get; }

    /// <summary>Every event of the block (transactions' then the block's own), with module prefixes removed.</summary>
    public IEnumerable<AbciEvent> Events => Block.Result.TxResults.Where(r => r.Code == 0).SelectMany(r => r.Events).Concat(Block.Result.Events);

    /// <summary>An account's next sequence number.</summary>
    /// <param name="address">The account.</param>
    /// <returns>The sequence.</returns>
    public ulong Sequence(Address address) => _chain.Read(app => AuthModule.GetAccount(app.CommittedState, address).Sequence);

    /// <summary>An account's balance.</summary>
    /// <param name="address">The account.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>Base units.</returns>
    public UInt128 Balance(Address address, Denom denom) => _chain.Read(app => BankModule.GetBalance(app.CommittedState, address, denom).Value);

    /// <summary>bTASK an account earned in the market and has not redeemed.</summary>
    /// <param name="address">The miner.</param>
    /// <returns>ubtask.</returns>
    public UInt128 RedeemableCredit(Address address) => _chain.Read(app => TaskMarketModule.RedeemableCredit(app.CommittedState, address));

    /// <summary>The state of one unit.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="unit">The unit index.</param>
    /// <returns>The unit's state and batch.</returns>
    public (UnitState State, ulong BatchId) Unit(ulong taskId, uint unit) => _chain.Read(app => TaskMarketModule.GetUnit(app.CommittedState, taskId, unit));

    /// <summary>The states of every unit of every task, counted (one consistent read).</summary>
    /// <returns>Units by state.</returns>
    public IReadOnlyDictionary<UnitState, int> UnitCounts() => _chain.Read(app =>
    {
        var counts = new Dictionary<UnitState, int>();
        foreach (var task in Tasks)
        {
            for (uint u = 0; u < task.Units; u++)
            {
                var s = TaskMarketModule.GetUnit(app.CommittedState, task.Id, u).State;
                counts[s] = counts.GetValueOrDefault(s) + 1;
            }
        }

        return counts;
    });

    /// <summary>Whether an event type matches a name, with or without a module prefix.</summary>
    /// <param name="e">The event.</param>
    /// <param name="name">The unprefixed name.</param>
    /// <returns>Whether it matches.</returns>
    public static bool Is(AbciEvent e, string name) => e.Type == name || e.Type.EndsWith("." + name, StringComparison.Ordinal);

    /// <summary>An attribute of an event.</summary>
    /// <param name="e">The event.</param>
    /// <param name="key">The attribute key.</param>
    /// <returns>The value, or an empty string.</returns>
    public static string Attr(AbciEvent e, string key) => e.Attributes.FirstOrDefault(a => a.Key == key)?.Value ?? string.Empty;

    private static List<T> ReadAll<T>(Func<ulong, T?> read)
        where T : class
    {
        var list = new List<T>();
        for (ulong id = 1; read(id) is { } record; id++)
        {
            list.Add(record);
        }

        return list;
    }
}
