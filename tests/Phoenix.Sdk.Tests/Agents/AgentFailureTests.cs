using System.Text;
using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Tests.Api;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>The agents' unhappy paths against a real node: a failing executor (claim expiry), a tolerance-policy dispute settled by vote.</summary>
public sealed class AgentFailureTests
{
    private static TaskRequest Request(int units, VerificationMode mode = VerificationMode.Exact, TimeSpan? claimDuration = null) => new()
    {
        Kind = TestWorkload.KindName,
        Model = Encoding.ASCII.GetBytes("model"),
        Inputs = [.. Enumerable.Range(0, units).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"in {i}"))],
        PricePerUnit = Amount.FromTokens(1, Denom.Spark),
        AttestationsRequired = 1,
        Mode = mode,
        RelativeTolerancePpb = mode == VerificationMode.Tolerance ? 1_000UL : 0UL,
        ClaimDuration = claimDuration ?? TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task MinerAgent_ExecutorThrows_LogsTheErrorAndTheClaimExpires_BondGoesToTheBuyer()
    {
        await using var net = await MarketNet.StartAsync();
        var miner = new MinerAgent(net.Client, MarketNet.Miner(0), [new FailingExecutor()], new MinerAgentOptions { MaxBatchUnits = 2 }, net.Log.For<MinerAgent>());
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request(units: 2, claimDuration: TimeSpan.FromSeconds(20)));
        var minerSpark = await net.Client.GetBalanceAsync(miner.Address, Denom.Spark);
        var buyerSpark = await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark);

        await miner.RunOnceAsync();

        var failure = Assert.Single(net.Log.Entries, e => e.Name == "ExecutionFailed");
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("executor broke", failure.Message, StringComparison.Ordinal);
        var batch = await net.Client.GetBatchAsync(1);
        Assert.NotNull(batch);
        Assert.Equal(BatchStatus.Claimed, batch.Status);

        // Chain time passes the claim expiry: the units reopen and the bond goes to the buyer.
        while (DateTimeOffset.FromUnixTimeSeconds((await net.Client.GetStatusAsync()).LatestBlockTime.Seconds) <= batch.ClaimExpires)
        {
            net.Node.ProduceBlock();
        }

        net.Node.ProduceBlock();
        var bond = (await handle.GetInfoAsync()).BondPerUnit.Value * 2;
        Assert.Equal(BatchStatus.Ended, (await net.Client.GetBatchAsync(1))!.Status);
        Assert.Equal(2u, (await handle.GetInfoAsync()).OpenUnits);
        Assert.Equal(minerSpark.Value - bond, (await net.Client.GetBalanceAsync(miner.Address, Denom.Spark)).Value);
        Assert.Equal(buyerSpark.Value + bond, (await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark)).Value);
    }

    [Fact]
    public async Task ToleranceTask_WrongResult_ChallengedAndOverturnedByTheValidatorsVote()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var cheater = net.Miner(1, TestWorkload.CheatingOn(0));
        var lazy = net.Validator(0, TestWorkload.Honest(), rate: 0.0);
        var checkers = Enumerable.Range(1, 3).Select(i => net.Validator(i, TestWorkload.Honest(), rate: 1.0)).ToList();
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request(units: 1, mode: VerificationMode.Tolerance));
        using var watching = new CancellationTokenSource();
        var resolved = new List<ChainEventData>();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in net.Client.SubscribeEventsAsync(new ChainEventFilter { EventTypePrefixes = ["dispute_resolved", "dispute_vote"] }, watching.Token))
            {
                lock (resolved)
                {
                    resolved.Add(((ApplicationEvent)e).Event);
                }
            }
        });

        bool Done()
        {
            lock (resolved)
            {
                return resolved.Any(e => e.Type == "dispute_resolved");
            }
        }

        await net.DriveAsync(
            [
                async () =>
                {
                    if (await net.Client.GetLatestDisputeIdAsync() == 0)
                    {
                        await cheater.RunOnceAsync();
                    }
                },
                () => lazy.RunOnceAsync(),
                .. checkers.Select(v => (Func<Task>)(() => v.RunOnceAsync())),
            ],
            () => Task.FromResult(Done()),
            "the vote on the challenged unit to end");

        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        lock (resolved)
        {
            var verdict = Assert.Single(resolved, e => e.Type == "dispute_resolved");
            Assert.Equal("overturned", verdict.Attributes.Single(a => a.Key == "verdict").Value);
            Assert.Equal("vote", verdict.Attributes.Single(a => a.Key == "reason").Value);

            // The two validators that are not parties (not the challenger, not the attester) voted to overturn.
            var votes = resolved.Where(e => e.Type == "dispute_vote").ToList();
            Assert.Equal(2, votes.Count);
            Assert.All(votes, v => Assert.Equal("false", v.Attributes.Single(a => a.Key == "uphold").Value));
        }

        // The unit left the cheater's batch (reopened for another miner) and the cheater earned nothing.
        Assert.Equal(Phoenix.Protocol.Modules.Tasks.UnitState.Open, (await net.Client.GetUnitAsync(handle.TaskId, 0)).State);
        Assert.True((await net.Client.GetRedeemableAsync(cheater.Address)).IsZero);
    }

    private sealed class FailingExecutor : IWorkloadExecutor
    {
        public string Kind => TestWorkload.KindName;

        public ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("executor broke");
    }
}
