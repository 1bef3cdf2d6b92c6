using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>
/// FsCheck drives random interleavings of buyers, honest and cheating miners, honest and lying validators and
/// challengers (<see cref="MarketSimulation"/>) over thousands of blocks in all, checking every invariant after every
/// block: per-denom supply = balances + escrows + stakes + pools, each market account against its records, no unit
/// paid twice, the buyer never charged for a refunded or overturned unit, the honest miner never losing a bond; and at
/// the end of each run every escrow paid or refunded. The seed and the number of blocks of each run are generated
/// input. Much longer runs: the benchmarks' <c>--market-soak</c> mode (docs/task-market.md).
/// </summary>
public sealed class TaskMarketSimulationTests
{
    /// <summary>Random runs: each a generated seed and block count (250–400 blocks, then the drain); with the 1,000-block run, at least 2,000 blocks per CI run.</summary>
    [Property(MaxTest = 4, Arbitrary = [typeof(RunArbitrary)])]
    public Property RandomMarket_RandomSeedsAndLengths_InvariantsHoldAfterEveryBlock(SimulationRun run)
    {
        var simulation = new MarketSimulation(run.Seed);
        simulation.Run(run.Blocks);
        return (simulation.BlocksRun >= run.Blocks).ToProperty().Label($"seed {run.Seed}: ran {simulation.BlocksRun} of {run.Blocks} blocks");
    }

    /// <summary>One long run of 1,000 random blocks (plus the drain) from a fixed seed, so every CI run covers at least one long history.</summary>
    [Fact]
    public void RandomMarket_OneThousandBlocks_InvariantsHoldAfterEveryBlock()
    {
        var simulation = new MarketSimulation(1);
        simulation.Run(1_000);
        Assert.True(simulation.BlocksRun >= 1_000);
    }

    /// <summary>A generated run: its seed and its number of random blocks.</summary>
    /// <param name="Seed">The simulation's seed.</param>
    /// <param name="Blocks">Random blocks before the drain.</param>
    public sealed record SimulationRun(int Seed, int Blocks);

    /// <summary>Seeds anywhere, block counts 250–400; shrinking shortens the run.</summary>
    public static class RunArbitrary
    {
        public static Arbitrary<SimulationRun> Runs()
            => Arb.From(
                from seed in Gen.Choose(0, int.MaxValue)
                from blocks in Gen.Choose(250, 400)
                select new SimulationRun(seed, blocks),
                run => from blocks in new[] { run.Blocks / 2, run.Blocks - 1 }.Where(b => b >= 1 && b < run.Blocks).Distinct()
                       select run with { Blocks = blocks });
    }
}
