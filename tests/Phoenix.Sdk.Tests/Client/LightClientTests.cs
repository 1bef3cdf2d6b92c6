using System.Globalization;
using System.Text;
using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Client;

public sealed class LightClientTests
{
    [Fact]
    public async Task GetBalanceAsync_HonestNodeWithProofs_ReturnsVerifiedBalance()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.Builder(node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(node)).Build();

        var balance = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);
        var none = await client.GetBalanceAsync(TestKeys.Numbered(42).Address, Denom.Phnx);
        var account = await client.GetAccountAsync(TestKeys.Numbered(42).Address);

        Assert.True(client.VerifiesProofs);
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), balance);
        Assert.True(none.IsZero);
        Assert.Equal(0UL, account.Sequence);
    }

    [Fact]
    public async Task GetBalanceAsync_NodeLiesAboutValue_ThrowsLightClientVerification()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.TamperQuery = r =>
        {
            var real = UInt128.Parse(r.Value.ToStringUtf8(), CultureInfo.InvariantCulture);
            r.Value = ByteString.CopyFrom(Encoding.UTF8.GetBytes((real + 1_000_000).ToString(CultureInfo.InvariantCulture)));
            return r;
        };
        using var client = TestClients.Builder(node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(node)).Build();

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));

        Assert.Contains("does not match its proof", e.Reason, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task GetBalanceAsync_NodeClaimsZeroForFundedAccount_ThrowsLightClientVerification()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.TamperQuery = r =>
        {
            r.Value = ByteString.CopyFromUtf8("0");
            return r;
        };
        using var client = TestClients.Builder(node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(node)).Build();

        await Assert.ThrowsAsync<LightClientVerificationException>(() => client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));
    }

    [Fact]
    public async Task GetBalanceAsync_NodeForgesProof_ThrowsLightClientVerification()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.TamperQuery = r =>
        {
            // A lie with a self-consistent proof: a one-leaf tree holding the false value.
            r.Value = ByteString.CopyFromUtf8("1");
            r.ProofOps[0].Data = ByteString.CopyFrom(new StateProof([]).ToBytes());
            return r;
        };
        using var client = TestClients.Builder(node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(node)).Build();

        await Assert.ThrowsAsync<LightClientVerificationException>(() => client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));
    }

    [Fact]
    public async Task GetAccountAsync_NodeDropsProof_ThrowsLightClientVerification()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.TamperQuery = r =>
        {
            r.ProofOps.Clear();
            return r;
        };
        using var client = TestClients.Builder(node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(node)).Build();

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => client.GetAccountAsync(TestKeys.Alice.Address));

        Assert.Contains("no phx:smt proof", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetBalanceAsync_LyingNodeWithoutTrustedSource_IsNotChecked()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.TamperQuery = r =>
        {
            r.Value = ByteString.CopyFromUtf8("7");
            return r;
        };
        using var client = TestClients.For(node.Address);

        var balance = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);

        Assert.False(client.VerifiesProofs);
        Assert.Equal(new Amount(7, Denom.Phnx), balance);
    }
}
