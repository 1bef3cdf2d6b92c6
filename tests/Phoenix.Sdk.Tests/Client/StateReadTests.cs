using System.Buffers.Binary;
using Google.Protobuf;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Agents;
using Phoenix.Sdk.Tests.Api;

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

    private static PhoenixClient Verified(MarketNet net) =>
        TestClients.Builder(net.Node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(net.Node)).Build();
}
