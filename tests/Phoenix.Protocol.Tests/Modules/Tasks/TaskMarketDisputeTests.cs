using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class TaskMarketDisputeTests
{
    private const ulong Price = 1_000_000;
    private const ulong Fee = 1_000; // uphnx per transaction in MarketChain
    private static readonly UInt128 Stake = (UInt128)100 * Denom.UnitsPerToken;
    private static readonly UInt128 UnitStakeShare = Stake / 10; // per attester, per unit of a 10-unit batch

    private static (MarketChain Chain, BatchResults Miner) Attested(VerificationPolicy policy, BatchResults? minerResults = null)
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: Price, attestations: 2, policy: policy, now: chain.Time.Seconds + 5, deadlineIn: 7 * 86_400,
            rtol: policy == VerificationPolicy.Tolerance ? 1_000UL : 0));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 10));
        var results = minerResults ?? new BatchResults(0, 10);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, results.Root));
        chain.RunOk(MarketChain.Validators[0], Msg.Attest(1, results.Root, Stake));
        chain.RunOk(MarketChain.Validators[1], Msg.Attest(1, results.Root, Stake));
        return (chain, results);
    }

    [Fact]
    public void ChallengeUnit_BadProofOrClosedWindow_ReturnsTypedErrors()
    {
        var (chain, results) = Attested(VerificationPolicy.Tolerance);
        var wrongUnit = new ChallengeUnitMessage(1, 4, results.Outputs[3].ToArray(), results.TraceRoot(3).ToArray(),
            [.. BatchMerkle.Proof(results.Leaves, 3).Select(h => (ReadOnlyMemory<byte>)h.ToArray())], ReadOnlyMemory<byte>.Empty, 0).ToWire();
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, wrongUnit), TaskErrors.InvalidProof);
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, wrongUnit.ChallengeUnit is { } c ? new Message { ChallengeUnit = new MsgChallengeUnit(c) { Unit = 11 } } : wrongUnit), TaskErrors.UnitNotInBatch);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, results.Challenge(1, 3, Hash32.Zero, 0)), TaskErrors.SelfAttestation);

        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Zero, 0)), TaskErrors.WrongBatchState);
    }

    [Fact]
    public void ChallengeUnit_ExactPolicyWithoutDifferentTrace_ReturnsInvalidTraceClaim()
    {
        var (chain, results) = Attested(VerificationPolicy.Exact);
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, results.Challenge(1, 3, results.TraceRoot(3), 8)), TaskErrors.InvalidTraceClaim);
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Sha256("x"u8), 0)), TaskErrors.InvalidTraceClaim);
    }

    [Fact]
    public void VoteDispute_MajorityOverturns_SlashesMinerAndAttestersToChallengerAndUnitReopens()
    {
        var (chain, results) = Attested(VerificationPolicy.Tolerance);
        var challengerPhnx = chain.Balance(MarketChain.Challenger, Denom.Phnx).Value;
        var challengerSpark = chain.Balance(MarketChain.Challenger, Denom.Spark).Value;
        var buyerSpark = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        var r = chain.RunOk(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Zero, 0));
        Assert.Equal(new Amount(2 * UnitStakeShare, Denom.Phnx).ToString(), MarketChain.Attr(r.Events, "unit_challenged", "stake"));
        Assert.Equal(UnitState.Disputed, TaskMarketModule.GetUnit(chain.State, 1, 3).State);

        // Parties cannot vote; an unbonded account cannot either.
        MarketChain.AssertFails(chain.Run(MarketChain.Validators[0], Msg.Vote(1, true)), TaskErrors.WrongDisputePhase);
        MarketChain.AssertFails(chain.Run(MarketChain.Buyer, Msg.Vote(1, false)), TaskErrors.NotBonded);
        chain.RunOk(MarketChain.Validators[2], Msg.Vote(1, false));
        chain.RunOk(MarketChain.Validators[3], Msg.Vote(1, false));
        MarketChain.AssertFails(chain.Run(MarketChain.Validators[3], Msg.Vote(1, true)), TaskErrors.AlreadyDone);

        // The window ends first: the 9 undisputed units pay, the disputed one waits.
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        Assert.Equal((UInt128)9 * Price, chain.Balance(MarketChain.Miner, Denom.BTask).Value);
        Assert.Equal(UnitState.Disputed, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.Equal(2 * UnitStakeShare, TestStakingModule.Locked(chain.State, MarketChain.Validators[0].Address) * 2);

        var end = chain.Block(ChainParameters.Default.DisputeVotingSeconds);

        Assert.Equal("overturned", MarketChain.Attr(end.Events, "dispute_resolved", "verdict"));
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.Equal(challengerPhnx - Fee + (2 * UnitStakeShare), chain.Balance(MarketChain.Challenger, Denom.Phnx).Value);
        Assert.Equal(challengerSpark + (Price / 10), chain.Balance(MarketChain.Challenger, Denom.Spark).Value);
        Assert.Equal(MarketChain.ValidatorStake - UnitStakeShare, TestStakingModule.Bonded(chain.State, MarketChain.Validators[0].Address));
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, MarketChain.Validators[0].Address));
        Assert.Equal((UInt128)9 * Price, chain.Balance(MarketChain.Miner, Denom.BTask).Value);

        // The buyer lost nothing: the unit is open again, still escrowed, and another miner can do it.
        Assert.Equal(buyerSpark, chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        chain.RunOk(MarketChain.Miner2, Msg.Claim(1, 3, 1));
        var redo = new BatchResults(3, 1);
        chain.RunOk(MarketChain.Miner2, Msg.Submit(2, redo.Root));
        chain.RunOk(MarketChain.Validators[2], Msg.Attest(2, redo.Root, Stake));
        chain.RunOk(MarketChain.Validators[3], Msg.Attest(2, redo.Root, Stake));
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        Assert.Equal((UInt128)Price, chain.Balance(MarketChain.Miner2, Denom.BTask).Value);
        Assert.Equal(10u, TaskMarketModule.GetTask(chain.State, 1)!.FinalizedUnits);
    }

    [Fact]
    public void VoteDispute_QuorumUpholds_ChallengerStakeGoesToAttestersAndUnitPays()
    {
        var (chain, results) = Attested(VerificationPolicy.Tolerance);
        var v0Phnx = chain.Balance(MarketChain.Validators[0], Denom.Phnx).Value;
        var challengerPhnx = chain.Balance(MarketChain.Challenger, Denom.Phnx).Value;
        chain.RunOk(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Zero, 0));
        chain.RunOk(MarketChain.Validators[2], Msg.Vote(1, true));
        chain.RunOk(MarketChain.Validators[3], Msg.Vote(1, false));
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Vote(1, true)), TaskErrors.NotBonded);
        var end = chain.Block(ChainParameters.Default.DisputeVotingSeconds);

        Assert.Equal("upheld", MarketChain.Attr(end.Events, "dispute_resolved", "verdict"));
        Assert.Equal(UnitState.Finalized, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.Equal((UInt128)10 * Price, chain.Balance(MarketChain.Miner, Denom.BTask).Value);
        Assert.Equal(challengerPhnx - Fee - (2 * UnitStakeShare), chain.Balance(MarketChain.Challenger, Denom.Phnx).Value);
        Assert.Equal(v0Phnx + UnitStakeShare, chain.Balance(MarketChain.Validators[0], Denom.Phnx).Value);
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, MarketChain.Validators[0].Address));
    }

    [Fact]
    public void VoteDispute_NoQuorum_VoidsWithoutSlashingAndReopensUnit()
    {
        var (chain, results) = Attested(VerificationPolicy.Tolerance);
        var challengerPhnx = chain.Balance(MarketChain.Challenger, Denom.Phnx).Value;
        var minerSpark = chain.Balance(MarketChain.Miner, Denom.Spark).Value;
        chain.RunOk(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Zero, 0));
        chain.RunOk(MarketChain.Validators[2], Msg.Vote(1, false)); // 25 % of bonded stake < 33.4 %

        var end = chain.Block(ChainParameters.Default.DisputeVotingSeconds);

        Assert.Equal("void", MarketChain.Attr(end.Events, "dispute_resolved", "verdict"));
        Assert.Equal(challengerPhnx - Fee, chain.Balance(MarketChain.Challenger, Denom.Phnx).Value);
        Assert.Equal(minerSpark + Price, chain.Balance(MarketChain.Miner, Denom.Spark).Value); // whole bond back
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.Equal(MarketChain.ValidatorStake, TestStakingModule.Bonded(chain.State, MarketChain.Validators[0].Address));
    }

    /// <summary>Plays the bisection: each side reveals its own trace leaf at the asked index until the committee phase.</summary>
    internal static void PlayBisection(MarketChain chain, ulong dispute, uint unit, BatchResults minerTrace, BatchResults challengerTrace)
    {
        for (var round = 0; round < 64; round++)
        {
            var d = TaskMarketModule.GetDispute(chain.State, dispute);
            if (d is null || d.Phase != 1)
            {
                return;
            }

            var index = TaskMarketModule.NextBisectIndex(d);
            chain.RunOk(MarketChain.Miner, minerTrace.Bisect(dispute, unit, index));
            chain.RunOk(MarketChain.Challenger, challengerTrace.Bisect(dispute, unit, index));
        }

        Assert.Fail("The bisection did not reach the committee within 64 rounds.");
    }

    [Fact]
    public void ReExecutionGame_CheatingMiner_BisectsToFirstBadNodeAndCommitteeOverturns()
    {
        var cheat = new BatchResults(0, 10).Corrupt(3, 5);
        var (chain, _) = Attested(VerificationPolicy.Exact, cheat);
        var honest = new BatchResults(0, 10);
        var challengerPhnx = chain.Balance(MarketChain.Challenger, Denom.Phnx).Value;
        chain.RunOk(MarketChain.Challenger, cheat.Challenge(1, 3, honest.TraceRoot(3), 8));

        // Wrong index, wrong mover, and a leaf that is not in the mover's trace are all refused.
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, cheat.Bisect(1, 3, 0)), TaskErrors.WrongIndex);
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, honest.Bisect(1, 3, 3)), TaskErrors.WrongDisputePhase);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, honest.Bisect(1, 3, 3) is var m && m.Bisect is { } b
            ? new BisectMessage(1, 3, Hash32.Sha256("forged"u8).ToArray(), [.. b.Proof.Select(p => (ReadOnlyMemory<byte>)p.ToByteArray())]).ToWire()
            : m), TaskErrors.InvalidProof);

        PlayBisection(chain, 1, 3, cheat, honest);
        var d = TaskMarketModule.GetDispute(chain.State, 1)!;
        Assert.Equal(2u, d.Phase);
        Assert.Equal(5UL, d.Hi); // the first node whose output differs
        Assert.Equal(honest.NodeDigest(3, 5).ToArray(), d.ChallengerLeafHi.ToByteArray());

        MarketChain.AssertFails(chain.Run(MarketChain.Validators[0], Msg.Report(1, honest.NodeDigest(3, 5))), TaskErrors.WrongDisputePhase); // attester is a party
        chain.RunOk(MarketChain.Validators[2], Msg.Report(1, honest.NodeDigest(3, 5)));
        chain.RunOk(MarketChain.Validators[3], Msg.Report(1, honest.NodeDigest(3, 5)));
        var end = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);

        Assert.Equal("overturned", MarketChain.Attr(end.Events, "dispute_resolved", "verdict"));
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.True(chain.Balance(MarketChain.Challenger, Denom.Phnx).Value > challengerPhnx);
    }

    [Fact]
    public void ReExecutionGame_LyingChallenger_CommitteeUpholdsAndChallengerIsSlashed()
    {
        var honest = new BatchResults(0, 10);
        var (chain, _) = Attested(VerificationPolicy.Exact, honest);
        var lie = new BatchResults(0, 10).Corrupt(3, 2);
        var minerSpark = chain.Balance(MarketChain.Miner, Denom.Spark).Value;
        var challengerPhnx = chain.Balance(MarketChain.Challenger, Denom.Phnx).Value;
        chain.RunOk(MarketChain.Challenger, honest.Challenge(1, 3, lie.TraceRoot(3), 8));
        var moves = chain.TxCount;
        PlayBisection(chain, 1, 3, honest, lie);
        Assert.True(chain.TxCount - moves <= 2 * 4, "bisection over 8 nodes takes at most 4 rounds");
        Assert.Equal(2UL, TaskMarketModule.GetDispute(chain.State, 1)!.Hi);

        chain.RunOk(MarketChain.Validators[2], Msg.Report(1, honest.NodeDigest(3, 2)));
        chain.RunOk(MarketChain.Validators[3], Msg.Report(1, honest.NodeDigest(3, 2)));
        chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds); // the rest of the batch finalizes

        Assert.Equal(UnitState.Finalized, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        Assert.True(chain.Balance(MarketChain.Challenger, Denom.Phnx).Value < challengerPhnx - (2 * UnitStakeShare) + 1);
        Assert.Equal(minerSpark + Price, chain.Balance(MarketChain.Miner, Denom.Spark).Value); // honest miner keeps its whole bond
    }

    [Fact]
    public void ReExecutionGame_MinerMissesMove_LosesAfterMoveTimeout()
    {
        var (chain, results) = Attested(VerificationPolicy.Exact);
        chain.RunOk(MarketChain.Challenger, results.Challenge(1, 3, Hash32.Sha256("other"u8), 8));
        chain.Block(5); // a block in which the miner could have moved and did not
        var end = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);
        Assert.Equal("miner_missed_move", MarketChain.Attr(end.Events, "dispute_resolved", "reason"));
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
    }

    /// <summary>
    /// Regression (issue #3, the simulation's "honest miner ends one bond short", seed 1): the block after a
    /// challenge came exactly one move timeout later, so the honest miner never had a block in which to move,
    /// yet the game ruled "miner_missed_move" and slashed its bond. A missed move now only counts when a block
    /// before the deadline existed after the turn began; otherwise the turn restarts.
    /// </summary>
    [Fact]
    public void ReExecutionGame_FirstBlockAfterChallengeIsPastMoveDeadline_HonestMinerKeepsTurnAndBond()
    {
        var honest = new BatchResults(0, 10);
        var (chain, _) = Attested(VerificationPolicy.Exact, honest);
        var lie = new BatchResults(0, 10).Corrupt(3, 2);
        var minerSpark = chain.Balance(MarketChain.Miner, Denom.Spark).Value;
        chain.RunOk(MarketChain.Challenger, honest.Challenge(1, 3, lie.TraceRoot(3), 8));

        var gap = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);

        Assert.Null(MarketChain.Attr(gap.Events, "dispute_resolved", "verdict"));
        Assert.Equal("no_block_before_deadline", MarketChain.Attr(gap.Events, "move_deadline_extended", "reason"));
        var d = TaskMarketModule.GetDispute(chain.State, 1)!;
        Assert.Equal(0u, d.Turn);
        Assert.Equal(chain.Time.Seconds + ChainParameters.Default.DisputeMoveTimeoutSeconds, d.Deadline);

        // The same gap after the challenger's reply: the challenger's move stands and the miner keeps its turn.
        chain.RunOk(MarketChain.Miner, honest.Bisect(1, 3, TaskMarketModule.NextBisectIndex(d)));
        chain.RunOk(MarketChain.Challenger, lie.Bisect(1, 3, TaskMarketModule.NextBisectIndex(d)));
        gap = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);
        Assert.Null(MarketChain.Attr(gap.Events, "dispute_resolved", "verdict"));

        PlayBisection(chain, 1, 3, honest, lie);
        chain.RunOk(MarketChain.Validators[2], Msg.Report(1, honest.NodeDigest(3, 2)));
        chain.RunOk(MarketChain.Validators[3], Msg.Report(1, honest.NodeDigest(3, 2)));
        var end = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);

        Assert.Equal("upheld", MarketChain.Attr(end.Events, "dispute_resolved", "verdict"));
        Assert.Equal(minerSpark + Price, chain.Balance(MarketChain.Miner, Denom.Spark).Value); // the whole bond back
        Assert.Equal((UInt128)10 * Price, chain.Balance(MarketChain.Miner, Denom.BTask).Value);
    }
}
