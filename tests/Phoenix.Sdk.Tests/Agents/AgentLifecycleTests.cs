using System.Text;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Tests.Api;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>The task lifecycle driven by the agents against a real in-process node (no mocks): post → claim → submit → attest → window → finalize → redeem, and a wrong result challenged and slashed.</summary>
public sealed class AgentLifecycleTests
{
    private static readonly byte[] Model = Encoding.ASCII.GetBytes("test model v1");

    private static ReadOnlyMemory<byte>[] Inputs(int n) => [.. Enumerable.Range(0, n).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"input {i}"))];

    private static TaskRequest Request(int units, uint attestations) => new()
    {
        Kind = TestWorkload.KindName,
        Model = Model,
        Inputs = Inputs(units),
        PricePerUnit = Amount.FromTokens(1, Denom.Spark),
        AttestationsRequired = attestations,
    };

    [Fact]
    public async Task Agents_HonestMinerAndValidators_FinalizeRedeemAndDeliverVerifiedOutputs()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var workload = TestWorkload.Honest();
        var miner = net.Miner(0, workload);
        var validators = Enumerable.Range(0, 4).Select(i => net.Validator(i, TestWorkload.Honest(), rate: 1.0)).ToList();
        var minerSparkBefore = await net.Client.GetBalanceAsync(miner.Address, Denom.Spark);
        var buyerSparkBefore = await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark);

        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request(units: 6, attestations: 2));

        var task = await handle.GetInfoAsync();
        var escrow = 6 * (task.PricePerUnit.Value + task.FeePerUnit.Value);
        Assert.Equal(buyerSparkBefore.Value - escrow, (await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark)).Value);
        Assert.Equal(MarketNet.Parameters.TaskFeeRate.MultiplyFloor(task.PricePerUnit.Value), task.FeePerUnit.Value);

        using var watching = new CancellationTokenSource();
        var events = new Collector<UnitEvent>();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in handle.WatchAsync(watching.Token))
            {
                events.Add(e);
            }
        });

        await net.DriveAsync(
            [() => miner.RunOnceAsync(), .. validators.Select(v => (Func<Task>)(() => v.RunOnceAsync()))],
            async () => (await handle.GetInfoAsync()).IsComplete && (await net.Client.GetRedeemableAsync(miner.Address)).IsZero,
            "every unit finalized and the miner's bTASK redeemed");

        var done = await handle.WaitForCompletionAsync().WithTimeout("the completed task");
        Assert.Equal(6u, done.FinalizedUnits);
        Assert.Equal(0u, done.RefundedUnits);
        Assert.Equal(6, workload.Executions);

        // Bonds came back and the redeemed bTASK paid the price of every unit.
        Assert.Equal(minerSparkBefore.Value + (6 * task.PricePerUnit.Value), (await net.Client.GetBalanceAsync(miner.Address, Denom.Spark)).Value);
        Assert.True((await net.Client.GetBalanceAsync(miner.Address, Denom.BTask)).IsZero);

        var outputs = await handle.DownloadResultsAsync();
        Assert.Equal([0u, 1, 2, 3, 4, 5], outputs.Select(o => o.Unit));
        var inputs = Inputs(6);
        foreach (var o in outputs)
        {
            Assert.Equal(TestWorkload.ExpectedOutput(Model, inputs[o.Unit].Span), o.Output.ToArray());
            Assert.Equal(Hash32.Sha256(o.Output.Span), o.OutputId);
        }

        await events.WaitAsync(l => l.Where(e => e.Kind == UnitEventKind.Finalized).Sum(e => e.Count) >= 6, "finalization events for all six units");
        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        {
            var seen = events.Snapshot();
            Assert.Equal(2, seen.Count(e => e.Kind == UnitEventKind.Claimed));
            Assert.Equal(2, seen.Count(e => e.Kind == UnitEventKind.Submitted));
            Assert.Equal(6u, (uint)seen.Where(e => e.Kind == UnitEventKind.Finalized).Sum(e => e.Count));
            Assert.All(seen, e => Assert.Equal(handle.TaskId, e.TaskId));
        }

        Assert.Empty(net.Node.Chain.App.CheckInvariants());
    }

    [Fact]
    public async Task Agents_CheatingMiner_IsChallengedBisectedAndSlashed_UnitRedoneByHonestMiner()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var cheater = net.Miner(1, TestWorkload.CheatingOn(1));
        var honest = net.Miner(0, TestWorkload.Honest());
        var lazy = net.Validator(0, TestWorkload.Honest(), rate: 0.0);
        var checkers = Enumerable.Range(1, 3).Select(i => net.Validator(i, TestWorkload.Honest(), rate: 1.0)).ToList();
        var cheaterSparkBefore = await net.Client.GetBalanceAsync(cheater.Address, Denom.Spark);
        var challengerSparkBefore = await net.Client.GetBalanceAsync(checkers[0].Address, Denom.Spark);

        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request(units: 4, attestations: 1));
        using var watching = new CancellationTokenSource();
        var events = new Collector<UnitEvent>();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in handle.WatchAsync(watching.Token))
            {
                events.Add(e);
            }
        });
        var slashEvents = new Collector<ChainEventData>();
        var slashWatch = Task.Run(async () =>
        {
            await foreach (var e in net.Client.SubscribeEventsAsync(new ChainEventFilter { EventTypePrefixes = ["slashed"] }, watching.Token))
            {
                slashEvents.Add(((ApplicationEvent)e).Event);
            }
        });

        // The cheater moves first and claims all four units; the lazy validator attests without re-executing;
        // the first checker challenges unit 1 and plays the bisection, the other two sit on the committee.
        // Once the verdict is in, the caught cheater stops and the honest miner redoes the reopened unit.
        await net.DriveDisputeAsync(cheater, lazy, checkers, honest,
            async () => (await handle.GetInfoAsync()).IsComplete && (await net.Client.GetRedeemableAsync(honest.Address)).IsZero,
            "the task to complete with unit 1 redone by the honest miner");

        var task = await handle.GetInfoAsync();
        Assert.Equal(4u, task.FinalizedUnits);
        var bond = task.BondPerUnit.Value;

        // The cheater lost unit 1's bond to the challenger and earned (redeemed or not) the three correct units only.
        var cheaterSpark = (await net.Client.GetBalanceAsync(cheater.Address, Denom.Spark)).Value;
        var cheaterCredit = (await net.Client.GetRedeemableAsync(cheater.Address)).Value;
        Assert.Equal(cheaterSparkBefore.Value - bond + (3 * task.PricePerUnit.Value), cheaterSpark + cheaterCredit);
        Assert.True((await net.Client.GetBalanceAsync(checkers[0].Address, Denom.Spark)).Value >= challengerSparkBefore.Value + bond);

        // The lazy attester lost its locked stake share behind unit 1, and the miner its bond share, both to the challenger.
        var cheatingBatch = await net.Client.GetBatchAsync(1);
        Assert.NotNull(cheatingBatch);
        Assert.Equal(cheater.Address, cheatingBatch.Miner);
        var attestation = Assert.Single(cheatingBatch.Attestations);
        Assert.Equal(lazy.Address, attestation.Attester);
        await slashEvents.WaitAsync(l => l.Count >= 2, "the two slashing events");
        var slashes = slashEvents.Snapshot();
        {
            string Attr(ChainEventData e, string key) => e.Attributes.Single(a => a.Key == key).Value;
            Assert.Equal(2, slashes.Count);
            Assert.Contains(slashes, e => Attr(e, "who") == lazy.Address.ToString() && Attr(e, "to") == checkers[0].Address.ToString()
                && Attr(e, "amount") == new Amount(attestation.Stake.Value / cheatingBatch.Count, Denom.Phnx).ToString());
            Assert.Contains(slashes, e => Attr(e, "who") == cheater.Address.ToString() && Attr(e, "amount") == new Amount(bond, Denom.Spark).ToString());
        }

        // Unit 1's final output is the honest one.
        var outputs = await handle.DownloadResultsAsync();
        var inputs = Inputs(4);
        Assert.Equal(4, outputs.Count);
        Assert.All(outputs, o => Assert.Equal(TestWorkload.ExpectedOutput(Model, inputs[o.Unit].Span), o.Output.ToArray()));

        await events.WaitAsync(l => l.Any(e => e.Kind == UnitEventKind.Reopened), "the reopening of the overturned unit");
        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slashWatch);
        {
            var seen = events.Snapshot();
            var challenged = Assert.Single(seen, e => e.Kind == UnitEventKind.Challenged);
            Assert.Equal(1u, challenged.FirstUnit);
            var resolved = Assert.Single(seen, e => e.Kind == UnitEventKind.DisputeResolved);
            Assert.Equal("overturned", resolved.Detail);
            Assert.Contains(seen, e => e.Kind == UnitEventKind.Reopened && e.FirstUnit == 1);
        }

        Assert.Empty(net.Node.Chain.App.CheckInvariants());
    }

    [Fact]
    public async Task HostedAgents_StartAndStop_CompleteTaskWithoutExplicitPasses()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        using var miner = net.Miner(0, TestWorkload.Honest());
        var validators = Enumerable.Range(0, 2).Select(i => net.Validator(i, TestWorkload.Honest(), rate: 1.0)).ToList();
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request(units: 2, attestations: 1));

        await miner.StartAsync(CancellationToken.None);
        foreach (var v in validators)
        {
            await v.StartAsync(CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var completion = handle.WaitForCompletionAsync(timeout.Token);
        while (!completion.IsCompleted && !timeout.IsCancellationRequested)
        {
            // Chain time only moves with blocks: keep committing empty blocks while the agents work.
            net.Node.ProduceBlock();
            await Task.WhenAny(completion, Task.Delay(50));
        }

        var info = await completion;
        Assert.True(info.IsComplete, $"task {info.Id}: {info.FinalizedUnits} finalized of {info.Units}");
        Assert.Equal(2u, info.FinalizedUnits);

        await miner.StopAsync(CancellationToken.None);
        foreach (var v in validators)
        {
            await v.StopAsync(CancellationToken.None);
            v.Dispose();
        }

        Assert.True(miner.ExecuteTask!.IsCompletedSuccessfully);
    }
}
