using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Governance;

public sealed class GovernanceModuleTests
{
    private const ulong Phnx = 1_000_000;
    private static readonly TestKey Admin = TestKeys.Of("admin", 0x71);

    private static ChainParameters Fast => ChainParameters.Default with { VotingPeriodSeconds = 100, DepositPeriodSeconds = 100, MinGovernanceDepositUphnx = 1_000 * Phnx };

    private static ModuleChain NewChain(bool withAdmin = true)
    {
        var b = ModuleChain.StandardGenesis(Fast)
            .AddModuleAccount(GenesisBuilder.CommunityPoolAccount, Amount.FromTokens(5_000, Denom.Phnx))
            .AddAccount(Admin.Address, Amount.FromTokens(10, Denom.Phnx));
        if (withAdmin)
        {
            b.WithAdmin(Admin.PublicKey);
        }

        return new ModuleChain(b.Build());
    }

    private static ulong Submit(ModuleChain chain, ProposalContent content, ulong deposit = 1_000 * Phnx)
    {
        var r = chain.ExecOk(TestKeys.Alice, new SubmitProposalMessage("t", "d", deposit, content).ToWire());
        var id = r.Events.First(e => e.Type == "submit_proposal").Attributes.First(a => a.Key == "id").Value;
        return ulong.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void VoteAll(ModuleChain chain, ulong id, Func<int, GovernanceVote?> vote)
    {
        var txs = Enumerable.Range(0, 12).Where(i => vote(i) is not null).Select(i => chain.Tx(ModuleChain.Operators[i], new VoteMessage(id, vote(i)!.Value).ToWire())).ToList();
        var r = chain.Block(txs);
        Assert.All(r.TxResults, t => Assert.True(t.IsOk, t.Log));
    }

    private static void FinishVoting(ModuleChain chain) => chain.Block(seconds: 100);

    [Fact]
    public void CommunityPoolSpend_Passes_PaysRecipientAndRefundsDeposit()
    {
        var chain = NewChain();
        var aliceBefore = chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value;
        var id = Submit(chain, new CommunityPoolSpendContent(TestKeys.Dave.Address, Amount.FromTokens(100, Denom.Phnx)));
        Assert.Equal(ProposalStatus.VotingPeriod, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);

        VoteAll(chain, id, i => i < 7 ? GovernanceVote.Yes : GovernanceVote.No);
        FinishVoting(chain);

        var p = GovernanceModule.GetProposal(chain.App.CommittedState, id)!;
        Assert.Equal(ProposalStatus.Passed, p.Status);
        Assert.Equal((UInt128)100 * Phnx, chain.Balance(TestKeys.Dave.Address, Denom.Phnx).Value);
        Assert.Equal(aliceBefore - 1000, chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value); // deposit back, one fee paid
    }

    [Fact]
    public void Tally_NoQuorum_BurnsDeposit()
    {
        var chain = NewChain();
        var supply = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
        var id = Submit(chain, new TextContent());
        VoteAll(chain, id, i => i < 4 ? GovernanceVote.Yes : null); // 4/12 = 33.3 % < 33.4 %
        FinishVoting(chain);

        Assert.Equal(ProposalStatus.NoQuorum, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);
        Assert.Equal(supply - (1_000 * Phnx), BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
    }

    [Fact]
    public void Tally_VetoAtThreshold_VetoesAndBurns()
    {
        var chain = NewChain();
        var supply = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
        var id = Submit(chain, new TextContent());
        VoteAll(chain, id, i => i < 8 ? GovernanceVote.Yes : GovernanceVote.NoWithVeto); // veto 4/12 = 33.3 % < 33.4 %: not vetoed
        var id2 = Submit(chain, new TextContent());
        VoteAll(chain, id2, i => i < 7 ? GovernanceVote.Yes : GovernanceVote.NoWithVeto); // veto 5/12 ≥ 33.4 %
        FinishVoting(chain);

        Assert.Equal(ProposalStatus.Passed, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);
        Assert.Equal(ProposalStatus.Vetoed, GovernanceModule.GetProposal(chain.App.CommittedState, id2)!.Status);
        Assert.Equal(supply - (1_000 * Phnx), BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
    }

    [Fact]
    public void Tally_HalfYesHalfNo_IsRejectedAndRefunded()
    {
        var chain = NewChain();
        var supply = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
        var id = Submit(chain, new TextContent());
        VoteAll(chain, id, i => i switch { < 5 => GovernanceVote.Yes, < 10 => GovernanceVote.No, _ => GovernanceVote.Abstain });
        FinishVoting(chain);
        Assert.Equal(ProposalStatus.Rejected, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);
        Assert.Equal(supply, BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
    }

    [Fact]
    public void ParameterChange_Passes_TakesEffectAfterCommit()
    {
        var chain = NewChain();
        var id = Submit(chain, new ParameterChangeContent(Fast with { DailyMintCapUspark = 42 }));
        VoteAll(chain, id, _ => GovernanceVote.Yes);
        FinishVoting(chain);
        Assert.Equal((UInt128)42, chain.App.Parameters.DailyMintCapUspark);
    }

    [Fact]
    public void Deposit_BelowMinimum_ExpiresAndRefunds()
    {
        var chain = NewChain();
        var before = chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value;
        var id = Submit(chain, new TextContent(), 10 * Phnx);
        chain.ExecOk(TestKeys.Bob, new DepositMessage(id, 5 * Phnx).ToWire());
        Assert.Equal(ProposalStatus.DepositPeriod, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);
        ModuleChain.AssertCode(GovernanceErrors.NotInVotingPeriod, chain.Exec(ModuleChain.Operators[0], new VoteMessage(id, GovernanceVote.Yes).ToWire()));
        chain.Block(seconds: 100);

        Assert.Equal(ProposalStatus.DepositExpired, GovernanceModule.GetProposal(chain.App.CommittedState, id)!.Status);
        Assert.Equal(before - 1000, chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value);
        ModuleChain.AssertCode(GovernanceErrors.NotInDepositPeriod, chain.Exec(TestKeys.Bob, new DepositMessage(id, Phnx).ToWire()));
        ModuleChain.AssertCode(GovernanceErrors.ProposalNotFound, chain.Exec(TestKeys.Bob, new DepositMessage(99, Phnx).ToWire()));
    }

    [Fact]
    public void Vote_WithoutBondedStake_FailsWithNoBondedStake()
    {
        var chain = NewChain();
        var id = Submit(chain, new TextContent());
        ModuleChain.AssertCode(GovernanceErrors.NoBondedStake, chain.Exec(TestKeys.Bob, new VoteMessage(id, GovernanceVote.Yes).ToWire()));
        ModuleChain.AssertCode(GovernanceErrors.ProposalNotFound, chain.Exec(ModuleChain.Operators[0], new VoteMessage(77, GovernanceVote.Yes).ToWire()));
    }

    [Fact]
    public void SubmitProposal_InvalidParameters_FailsAsInvalidMessage()
    {
        var chain = NewChain();
        var bad = new SubmitProposalMessage("t", "d", 0, new ParameterChangeContent(Fast with { MaxValidators = 0 })).ToWire();
        ModuleChain.AssertCode(TxErrors.InvalidMessage, chain.Exec(TestKeys.Alice, bad));
    }

    [Fact]
    public void Admin_PhaseOne_PausesAndChangesParameters_PhaseTwoOnlyPauses()
    {
        var chain = NewChain();
        ModuleChain.AssertCode(GovernanceErrors.NotAdmin, chain.Exec(TestKeys.Alice, new AdminSetPausedMessage(true).ToWire()));
        chain.ExecOk(Admin, new AdminSetPausedMessage(true).ToWire());
        Assert.True(GovernanceModule.IsTaskMarketPaused(chain.App.CommittedState));
        chain.ExecOk(Admin, new AdminSetParametersMessage(Fast with { MaxValidators = 50 }).ToWire());
        Assert.Equal(50, chain.App.Parameters.MaxValidators);

        chain.ExecOk(Admin, new AdminEnterPhase2Message().ToWire());
        ModuleChain.AssertCode(GovernanceErrors.PhaseForbids, chain.Exec(Admin, new AdminSetParametersMessage(Fast).ToWire()));
        ModuleChain.AssertCode(GovernanceErrors.PhaseForbids, chain.Exec(Admin, new AdminEnterPhase2Message().ToWire()));
        chain.ExecOk(Admin, new AdminSetPausedMessage(false).ToWire());
        Assert.False(GovernanceModule.IsTaskMarketPaused(chain.App.CommittedState));
        Assert.Equal(2, GovernanceModule.GetAdmin(chain.App.CommittedState).Phase);
    }

    [Fact]
    public void RetireAdmin_Passed_NoMessageCanEverActAsOrInstallAnAdmin()
    {
        var chain = NewChain();
        chain.ExecOk(Admin, new AdminSetPausedMessage(true).ToWire());
        var id = Submit(chain, new RetireAdminContent());
        VoteAll(chain, id, _ => GovernanceVote.Yes);
        FinishVoting(chain);

        var admin = GovernanceModule.GetAdmin(chain.App.CommittedState);
        Assert.Null(admin.Admin);
        Assert.Equal(3, admin.Phase);
        Assert.True(admin.TaskMarketPaused);

        // Every admin message, from the old admin and from anyone else, is refused with AdminRetired.
        foreach (var signer in new[] { Admin, TestKeys.Alice, ModuleChain.Operators[0] })
        {
            ModuleChain.AssertCode(GovernanceErrors.AdminRetired, chain.Exec(signer, new AdminSetPausedMessage(false).ToWire()));
            ModuleChain.AssertCode(GovernanceErrors.AdminRetired, chain.Exec(signer, new AdminSetParametersMessage(Fast).ToWire()));
            ModuleChain.AssertCode(GovernanceErrors.AdminRetired, chain.Exec(signer, new AdminEnterPhase2Message().ToWire()));
        }

        // Neither a parameter change nor a second retirement brings an admin back.
        var id2 = Submit(chain, new ParameterChangeContent(Fast with { MaxValidators = 7 }));
        var id3 = Submit(chain, new RetireAdminContent());
        VoteAll(chain, id2, _ => GovernanceVote.Yes);
        VoteAll(chain, id3, _ => GovernanceVote.Yes);
        FinishVoting(chain);
        Assert.Equal(7, chain.App.Parameters.MaxValidators);
        Assert.Null(GovernanceModule.GetAdmin(chain.App.CommittedState).Admin);
        Assert.Equal(3, GovernanceModule.GetAdmin(chain.App.CommittedState).Phase);

        // The admin is only ever written from genesis: the registered message types are exactly these.
        var govTypes = chain.App.Messages.TypeNames.Where(t => t.StartsWith("gov/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["gov/admin_enter_phase2", "gov/admin_set_parameters", "gov/admin_set_paused", "gov/deposit", "gov/submit_proposal", "gov/vote"], govTypes);
    }

    [Fact]
    public void Genesis_WithoutAdmin_StartsRetired()
    {
        var chain = NewChain(withAdmin: false);
        Assert.Equal(3, GovernanceModule.GetAdmin(chain.App.CommittedState).Phase);
        ModuleChain.AssertCode(GovernanceErrors.AdminRetired, chain.Exec(Admin, new AdminSetPausedMessage(true).ToWire()));
    }
}
