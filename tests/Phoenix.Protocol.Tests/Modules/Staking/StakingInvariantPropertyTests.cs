using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Distribution;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Tests.Modules.Staking;

public sealed class StakingInvariantPropertyTests
{
    private static readonly TestKey[] Users = [TestKeys.Alice, TestKeys.Bob, TestKeys.Carol];

    /// <summary>One generated operation: kind, who, which validators, how much.</summary>
    public sealed record Op(byte Kind, byte User, byte Validator, byte Other, uint Amount);

    private static Message ToMessage(Op op)
    {
        var amount = (UInt128)(op.Amount % 50_000_000) + 1; // up to 50 PHNX
        var v = ModuleChain.Operators[op.Validator % 12].Address;
        var w = ModuleChain.Operators[op.Other % 12].Address;
        return (op.Kind % 6) switch
        {
            0 => new DelegateMessage(v, amount).ToWire(),
            1 => new UndelegateMessage(v, amount).ToWire(),
            2 => new RedelegateMessage(v, w, amount).ToWire(),
            3 => new BurnForSparkMessage(amount, 0).ToWire(),
            4 => new WithdrawRewardsMessage(v).ToWire(),
            _ => new DelegateMessage(v, amount * 1000).ToWire(), // often more than the user has
        };
    }

    [Fact]
    public void RandomStakingAndBurnSequences_InvariantsHoldAndPhnxOnlyFallsByBurnsAndSlashes()
    {
        Prop.ForAll<Op[][]>(blocks =>
        {
            var parameters = ChainParameters.Default with { UnbondingSeconds = 30, OracleStalenessSeconds = 1_000_000 };
            var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
            chain.Block([.. Enumerable.Range(0, 12).Select(i => chain.Tx(ModuleChain.Operators[i], new ReportPriceMessage(1_000_000 + (ulong)i).ToWire()))]);
            var round = 0;
            foreach (var block in blocks.Where(b => b is not null).Take(8))
            {
                var phnxBefore = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
                var sparkBefore = BankModule.GetSupply(chain.App.CommittedState, Denom.Spark);
                var ops = block.Where(o => o is not null).Take(6).ToList();
                var evidence = round++ == 3
                    ? new[] { new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ModuleChain.ConsensusKeyOf(1).PublicKey.Address.ToArray(), 100), chain.App.LastHeight, chain.Time, 1200) }
                    : [];
                var response = chain.Block([.. ops.Select(o => chain.Tx(Users[o.User % 3], ToMessage(o)))], evidence, seconds: 10);

                // ModuleChain.Block already asserted every module invariant (supply = balances + pools, pools = records).
                var phnxAfter = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
                var sparkAfter = BankModule.GetSupply(chain.App.CommittedState, Denom.Spark);
                var minted = response.TxResults.Where(r => r.IsOk).SelectMany(r => r.Events).Where(e => e.Type == "burn_for_spark").ToList();
                if (phnxAfter > phnxBefore || (sparkAfter != sparkBefore && minted.Count == 0) || sparkAfter < sparkBefore)
                {
                    return false;
                }

                if (response.ValidatorUpdates.Select(u => Convert.ToHexString(u.PublicKey.Span)).Distinct().Count() != response.ValidatorUpdates.Count)
                {
                    return false;
                }

                var powers = StakingModule.GetVotingPowers(chain.App.CommittedState);
                var jurisdictions = powers.Select(p => StakingModule.GetValidator(chain.App.CommittedState, p.Operator)!.Jurisdiction).ToList();
                if (powers.Count >= 10 && !VotingPowerCaps.MeetsCaps(jurisdictions, [.. powers.Select(p => p.Power)], parameters.ValidatorPowerCap, parameters.JurisdictionPowerCap))
                {
                    return false;
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20));
    }
}
