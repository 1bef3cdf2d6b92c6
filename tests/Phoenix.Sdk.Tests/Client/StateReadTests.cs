using System.Buffers.Binary;
using Google.Protobuf;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Agents;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;
using QueryRequest = Phoenix.Protocol.Abci.QueryRequest;

namespace Phoenix.Sdk.Tests.Client;

/// <summary>Typed, proof-checked reads of the oracle price, staking and governance records against a node running the standard modules.</summary>
public sealed class StateReadTests
{
    [Fact]
    public async Task GetOraclePrice_DifferentReports_IsTheStakeWeightedMedian_VerifiedAgainstTrustedAppHashes()
    {
        await using var net = await MarketNet.StartAsync();
        ulong[] prices = [4_000_000, 1_000_000, 3_000_000, 2_000_000];
        for (var i = 0; i < prices.Length; i++)
        {
            await net.Client.ReportPriceAsync(MarketNet.Operator(i), prices[i]);
        }

        using var verified = Verified(net);
        var reading = await verified.GetOraclePriceAsync();

        // Four equal powers: sorted 1, 2, 3, 4; the lower weighted median is the second.
        Assert.True(reading.IsValid);
        Assert.Equal(2_000_000UL, reading.PriceMicroUsd);
        var state = net.Node.Chain.App.CommittedState;
        var total = StakingModule.GetVotingPowers(state).Aggregate(UInt128.Zero, (sum, m) => sum + (UInt128)m.Power);
        Assert.Equal(total, reading.TotalPower);
        Assert.Equal(total, reading.CoveredPower);
        Assert.Equal(net.Node.Height, reading.Height);
        Assert.Equal(OracleModule.GetPrice(state, reading.BlockTime, MarketNet.Parameters), new OraclePrice(reading.IsValid, reading.PriceMicroUsd, reading.CoveredPower, reading.TotalPower));
    }

    [Fact]
    public async Task GetOraclePrice_OneReportOfFour_IsNotValid()
    {
        await using var net = await MarketNet.StartAsync();
        await net.Client.ReportPriceAsync(MarketNet.Operator(2), 5_000_000);
        using var verified = Verified(net);

        var reading = await verified.GetOraclePriceAsync();

        Assert.False(reading.IsValid);
        Assert.Equal(5_000_000UL, reading.PriceMicroUsd);
        Assert.Equal(reading.TotalPower / 4, reading.CoveredPower);
    }

    [Fact]
    public async Task GetOraclePrice_NoReports_IsNotValidAndZero()
    {
        await using var net = await MarketNet.StartAsync();

        var reading = await net.Client.GetOraclePriceAsync();

        Assert.False(reading.IsValid);
        Assert.Equal(0UL, reading.PriceMicroUsd);
        Assert.True(reading.TotalPower > 0);
    }

    [Fact]
    public async Task GetOraclePrice_NodeInflatesAVotingPower_ThrowsLightClientVerification()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.SequenceEqual("staking/p"u8) && r.Value.Length > 4)
            {
                // The first entry's value starts after its key: raise the power (8 bytes big-endian) in place.
                var raw = r.Value.ToByteArray();
                var keyLength = BinaryPrimitives.ReadInt32BigEndian(raw);
                var at = 4 + keyLength + 4;
                BinaryPrimitives.WriteInt64BigEndian(raw.AsSpan(at), BinaryPrimitives.ReadInt64BigEndian(raw.AsSpan(at)) * 10);
                r.Value = ByteString.CopyFrom(raw);
            }

            return r;
        };
        using var verified = Verified(net);

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => verified.GetOraclePriceAsync());

        Assert.Contains("does not match its proof", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOraclePrice_NodeHidesAReport_ThrowsLightClientVerification()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.StartsWith("oracle/r"u8))
            {
                r.Value = ByteString.Empty;
                r.Log = "absent";
            }

            return r;
        };
        using var verified = Verified(net);

        await Assert.ThrowsAsync<LightClientVerificationException>(() => verified.GetOraclePriceAsync());
    }

    [Fact]
    public async Task GetOraclePrice_NodeDropsAProof_ThrowsLightClientVerification()
    {
        await using var net = await MarketNet.StartAsync();
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.SequenceEqual("staking/p"u8))
            {
                r.ProofOps.RemoveAt(0);
            }

            return r;
        };
        using var verified = Verified(net);

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => verified.GetOraclePriceAsync());

        Assert.Contains("proofs", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetValidators_AndGetValidator_MatchTheModule_UnknownOperatorIsNull()
    {
        await using var net = await MarketNet.StartAsync();
        using var verified = Verified(net);

        var validators = await verified.GetValidatorsAsync();
        var one = await verified.GetValidatorAsync(MarketNet.Operators[2].Address);
        var none = await verified.GetValidatorAsync(TestKeys.Carol.Address);

        var expected = StakingModule.GetValidators(net.Node.Chain.App.CommittedState);
        Assert.Equal(MarketNet.Operators.Length, validators.Count);
        Assert.Equal(expected, validators);
        Assert.Equal(MarketNet.Operators.Select(o => o.Address).Order(), validators.Select(v => v.Operator).Order());
        Assert.NotNull(one);
        Assert.Equal("US", one.Jurisdiction);
        Assert.Equal(Amount.FromTokens(100, Denom.Phnx).Value, one.Tokens);
        Assert.Null(none);
    }

    [Fact]
    public async Task GetDelegationsAndUnbondings_FollowDelegateAndUndelegate()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var v0 = MarketNet.Operators[0].Address;
        var v1 = MarketNet.Operators[1].Address;
        using var verified = Verified(net);
        Assert.Empty(await verified.GetDelegationsAsync(bob.Address));

        await net.Client.DelegateAsync(bob, v0, Amount.FromTokens(10, Denom.Phnx));
        await net.Client.DelegateAsync(bob, v1, Amount.FromTokens(5, Denom.Phnx));
        await net.Client.UndelegateAsync(bob, v1, Amount.FromTokens(2, Denom.Phnx));

        var delegations = await verified.GetDelegationsAsync(bob.Address);
        var unbondings = await verified.GetUnbondingsAsync(bob.Address);

        var state = net.Node.Chain.App.CommittedState;
        Assert.Equal(2, delegations.Count);
        var d0 = Assert.Single(delegations, d => d.Validator == v0);
        var d1 = Assert.Single(delegations, d => d.Validator == v1);
        Assert.Equal(Amount.FromTokens(10, Denom.Phnx).Value, d0.Value);
        Assert.Equal(Amount.FromTokens(3, Denom.Phnx).Value, d1.Value);
        Assert.Equal(StakingModule.DelegationShares(state, v0, bob.Address), d0.Shares);
        var unbonding = Assert.Single(unbondings);
        Assert.Equal(v1, unbonding.Validator);
        Assert.Equal(Amount.FromTokens(2, Denom.Phnx).Value, unbonding.Amount);
        Assert.Equal(Assert.Single(StakingModule.GetUnbondings(state)), unbonding);
        Assert.Empty(await verified.GetUnbondingsAsync(TestKeys.Carol.Address));
    }

    [Fact]
    public async Task GetDelegations_NodeAltersAShareCount_ThrowsLightClientVerification()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        await net.Client.DelegateAsync(bob, MarketNet.Operators[0].Address, Amount.FromTokens(10, Denom.Phnx));
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.StartsWith("staking/d"u8) && !r.Value.IsEmpty)
            {
                var raw = r.Value.ToByteArray();
                raw[^1] ^= 1;
                r.Value = ByteString.CopyFrom(raw);
            }

            return r;
        };
        using var verified = Verified(net);

        await Assert.ThrowsAsync<LightClientVerificationException>(() => verified.GetDelegationsAsync(bob.Address));
    }

    [Fact]
    public async Task GetProposalTally_WhileVoting_WeighsEachVoteByBondedStake_ThenTheFinalTally()
    {
        var parameters = MarketNet.Parameters with { VotingPeriodSeconds = 30 };
        await using var net = await MarketNet.StartAsync(parameters);
        var bob = TestClients.Wallet(TestKeys.Bob);
        await net.Client.DelegateAsync(bob, MarketNet.Operators[3].Address, Amount.FromTokens(10, Denom.Phnx));
        await net.Client.SubmitProposalAsync(MarketNet.Buyer, "Signal", "A text proposal.", new Amount(parameters.MinGovernanceDepositUphnx, Denom.Phnx), new TextContent());
        using var verified = Verified(net);
        var proposals = await verified.GetProposalsAsync();
        var id = Assert.Single(proposals).Id;
        await net.Client.VoteAsync(MarketNet.Operator(0), id, GovernanceVote.Yes);
        await net.Client.VoteAsync(MarketNet.Operator(1), id, GovernanceVote.Yes);
        await net.Client.VoteAsync(MarketNet.Operator(2), id, GovernanceVote.No);
        await net.Client.VoteAsync(bob, id, GovernanceVote.Abstain);

        var live = await verified.GetProposalTallyAsync(id);

        var state = net.Node.Chain.App.CommittedState;
        UInt128 Stake(Address a) => StakingModule.BondedStake(state, a);
        Assert.NotNull(live);
        Assert.False(live.IsFinal);
        Assert.Equal(ProposalStatus.VotingPeriod, live.Status);
        Assert.Equal(Stake(MarketNet.Operators[0].Address) + Stake(MarketNet.Operators[1].Address), live.Yes);
        Assert.Equal(Stake(MarketNet.Operators[2].Address), live.No);
        Assert.Equal(Amount.FromTokens(10, Denom.Phnx).Value, live.Abstain);
        Assert.Equal(UInt128.Zero, live.NoWithVeto);
        Assert.Equal(StakingModule.TotalBonded(state), live.TotalBonded);
        Assert.Equal(4, live.Votes.Count);
        Assert.Contains(live.Votes, v => v.Voter == bob.Address && v.Option == GovernanceVote.Abstain);
        Assert.Null(await verified.GetProposalTallyAsync(id + 1));
        Assert.Null(await verified.GetProposalAsync(id + 1));

        for (var i = 0; i < 8; i++)
        {
            net.Node.ProduceBlock();
        }

        var final = await verified.GetProposalTallyAsync(id);
        var proposal = await verified.GetProposalAsync(id);

        Assert.NotNull(final);
        Assert.NotNull(proposal);
        Assert.True(final.IsFinal);
        Assert.Equal(ProposalStatus.Passed, final.Status);
        Assert.Equal(proposal.Status, final.Status);
        Assert.Equal((live.Yes, live.Abstain, live.No, live.NoWithVeto), (final.Yes, final.Abstain, final.No, final.NoWithVeto));
        Assert.Empty(final.Votes);
    }

    [Fact]
    public async Task GetProposalTally_NodeFlipsAVote_ThrowsLightClientVerification()
    {
        await using var net = await MarketNet.StartAsync();
        await net.Client.SubmitProposalAsync(MarketNet.Buyer, "Signal", "A text proposal.", new Amount(MarketNet.Parameters.MinGovernanceDepositUphnx, Denom.Phnx), new TextContent());
        await net.Client.VoteAsync(MarketNet.Operator(0), 1, GovernanceVote.No);
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.StartsWith("gov/v"u8) && r.Value.Length > 0)
            {
                var raw = r.Value.ToByteArray();
                raw[^1] = (byte)GovernanceVote.Yes;
                r.Value = ByteString.CopyFrom(raw);
            }

            return r;
        };
        using var verified = Verified(net);

        await Assert.ThrowsAsync<LightClientVerificationException>(() => verified.GetProposalTallyAsync(1));
    }

    [Fact]
    public async Task GetProposalTally_BlockCommittedBetweenTwoAnswers_ReadsAgainAtOneHeight()
    {
        await using var net = await MarketNet.StartAsync();
        await net.Client.SubmitProposalAsync(MarketNet.Buyer, "Signal", "A text proposal.", new Amount(MarketNet.Parameters.MinGovernanceDepositUphnx, Denom.Phnx), new TextContent());
        await net.Client.VoteAsync(MarketNet.Operator(0), 1, GovernanceVote.Yes);
        var proposalReads = 0;
        net.Node.Faults.TamperQuery = r =>
        {
            // The first proposal answer pins height H; a block then commits, so the next prefix answer is for H + 1.
            if (r.Key.Span.StartsWith("gov/p"u8) && Interlocked.Increment(ref proposalReads) == 1)
            {
                net.Node.ProduceBlock();
            }

            return r;
        };
        using var verified = Verified(net);

        var tally = await verified.GetProposalTallyAsync(1);

        Assert.NotNull(tally);
        Assert.Equal(2, proposalReads);
        Assert.Equal(net.Node.Height, tally.Height);
        Assert.Equal(StakingModule.BondedStake(net.Node.Chain.App.CommittedState, MarketNet.Operators[0].Address), tally.Yes);
    }

    [Fact]
    public async Task GetValidators_TruncatedPrefixAnswer_ThrowsProtocolViolation()
    {
        await using var net = await MarketNet.StartAsync();
        net.Node.Faults.TamperQuery = r =>
        {
            if (r.Key.Span.SequenceEqual("staking/v"u8))
            {
                r.Value = ByteString.CopyFrom(r.Value.Span[..^3]);
            }

            return r;
        };

        var e = await Assert.ThrowsAsync<PhoenixProtocolViolationException>(() => net.Client.GetValidatorsAsync());

        Assert.Contains("truncated", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrefixQuery_EmptyPrefixOrPastHeight_IsAnInvalidRequest()
    {
        await using var net = await MarketNet.StartAsync();
        net.Node.ProduceBlock();
        var app = net.Node.Chain.App;

        var empty = app.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, "/store/prefix"));
        var past = app.Query(new QueryRequest("staking/v"u8.ToArray(), "/store/prefix", Height: app.LastHeight - 1));
        var latest = app.Query(new QueryRequest("staking/v"u8.ToArray(), "/store/prefix", Height: app.LastHeight, Prove: true));

        Assert.Equal((QueryErrors.Codespace, QueryErrors.InvalidRequest.Code), (empty.Codespace, empty.Code));
        Assert.Equal((QueryErrors.Codespace, QueryErrors.InvalidRequest.Code), (past.Codespace, past.Code));
        Assert.Equal(0u, latest.Code);
        Assert.Equal(MarketNet.Operators.Length, latest.ProofOps.Count);
    }

    private static PhoenixClient Verified(MarketNet net) =>
        TestClients.Builder(net.Node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(net.Node)).Build();
}
