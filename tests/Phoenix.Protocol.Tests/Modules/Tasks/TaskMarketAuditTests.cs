using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class TaskMarketAuditTests
{
    private const ulong Price = 1_000_000;

    /// <summary>A task with a claimed batch, on a chain whose market is audited incrementally and in full after every block.</summary>
    private static (MarketChain Chain, InMemoryKeyValueStore Store) Claimed()
    {
        var store = new InMemoryKeyValueStore();
        var chain = new MarketChain(store: store, incrementalAudit: true) { FullAuditEvery = 1 };
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: Price, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 4));
        return (chain, store);
    }

    /// <summary>Writes a committed value behind the application's back (committed values live under <c>s/</c>).</summary>
    private static void Tamper(InMemoryKeyValueStore store, byte[] key, byte[]? value)
    {
        var full = "s/"u8.ToArray().Concat(key).ToArray();
        store.Apply(value is null ? new KeyValueBatch().Delete(full) : new KeyValueBatch().Put(full, value));
    }

    [Fact]
    public void Audit_ConsistentMarket_NoViolationsAndAgreesWithFullCheck()
    {
        var (chain, _) = Claimed();
        var results = new BatchResults(0, 4);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, results.Root));

        var audit = TaskMarketAudit.Load(chain.State);

        Assert.Empty(audit.Violations(chain.State));
        Assert.Empty(chain.Market.CheckInvariants(chain.State));
    }

    [Fact]
    public void Update_TaskRecordTampered_ReportsUnitAccountingAndEscrowLikeTheFullCheck()
    {
        var (chain, store) = Claimed();
        var audit = TaskMarketAudit.Load(chain.State);
        var task = TaskMarketModule.GetTask(chain.State, 1)!;
        task.LiveUnits += 1;
        var key = TaskStore.Key("t", 1);

        Tamper(store, key, Google.Protobuf.MessageExtensions.ToByteArray(task));
        Assert.Empty(audit.Violations(chain.State)); // the change is not seen until its key is passed
        audit.Update(chain.State, [key]);

        var violations = audit.Violations(chain.State).ToList();
        Assert.Contains(violations, v => v.Contains("task 1 accounts for 11+0+0 of 10 units", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(TaskMarketModule.EscrowAccount, StringComparison.Ordinal));
        Assert.Equal(chain.Market.CheckInvariants(chain.State), violations);
    }

    [Fact]
    public void Update_BatchRecordDeleted_ReportsBondsThenRestoredRecordClearsIt()
    {
        var (chain, store) = Claimed();
        var audit = TaskMarketAudit.Load(chain.State);
        var key = TaskStore.Key("b", 1);
        var original = store.Get("s/"u8.ToArray().Concat(key).ToArray())!;

        Tamper(store, key, null);
        audit.Update(chain.State, [key, "bank/unrelated"u8.ToArray()]);
        var violations = audit.Violations(chain.State).ToList();

        Assert.Equal([$"tasks: {TaskMarketModule.BondAccount} holds 400000 {Denom.Spark} but the records account for 0."], violations);
        Assert.Equal(chain.Market.CheckInvariants(chain.State), violations);

        Tamper(store, key, original);
        audit.Update(chain.State, [key]);
        Assert.Empty(audit.Violations(chain.State));
    }

    [Fact]
    public void Block_WithIncrementalAudit_CatchesATamperedRecordAtTheNextBlock()
    {
        var (chain, store) = Claimed();
        var task = TaskMarketModule.GetTask(chain.State, 1)!;
        task.LiveUnits -= 1;
        var key = TaskStore.Key("t", 1);
        Tamper(store, key, Google.Protobuf.MessageExtensions.ToByteArray(task));

        // The tampering went through the store, so the chain's recorder saw the key: the next block reports it.
        var error = Assert.ThrowsAny<Exception>(() => chain.Block(5));
        Assert.Contains("task 1 accounts for 9+0+0 of 10 units", error.Message, StringComparison.Ordinal);
    }
}
