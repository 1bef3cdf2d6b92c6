using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Api;
using Phoenix.Sdk.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Client;

public sealed class PhoenixClientTests
{
    [Fact]
    public async Task GetStatusAsync_RealNode_ReportsChainIdAndHeight()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);

        var status = await client.GetStatusAsync();

        Assert.Equal(TestChain.ChainId, status.ChainId);
        Assert.Equal(node.Height, status.LatestHeight);
        Assert.Equal(node.Chain.App.LastAppHash.ToArray(), status.LatestAppHash.ToArray());
    }

    [Fact]
    public async Task TransferAsync_RealNode_MovesBalancesAndChargesFee()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var aliceBefore = await client.GetBalanceAsync(TestKeys.Alice.Address, Denom.Phnx);
        var bobBefore = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);
        var amount = Amount.FromTokens(5, Denom.Phnx);

        var result = await client.TransferAsync(alice, TestKeys.Bob.Address, amount);

        Assert.True(result.Committed);
        Assert.True(result.Result!.IsSuccess);
        Assert.Equal(bobBefore + amount, await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));
        Assert.Equal(aliceBefore - amount - client.DefaultFee, await client.GetBalanceAsync(TestKeys.Alice.Address, Denom.Phnx));
        var account = await client.GetAccountAsync(TestKeys.Alice.Address);
        Assert.Equal(1UL, account.Sequence);
        Assert.Equal<PublicKey?>(TestKeys.Alice.PublicKey, account.PublicKey);
    }

    [Fact]
    public async Task TransferAsync_ConcurrentFromOneWallet_AllCommitWithConsecutiveSequences()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.TransferAsync(alice, TestKeys.Carol.Address, Amount.FromTokens(1, Denom.Spark))))
            .WithTimeout("four concurrent transfers to commit");

        Assert.All(results, r => Assert.True(r.Result!.IsSuccess));
        Assert.Equal(4UL, (await client.GetAccountAsync(TestKeys.Alice.Address)).Sequence);
        Assert.Equal(Amount.FromTokens(1_000_004, Denom.Spark), await client.GetBalanceAsync(TestKeys.Carol.Address, Denom.Spark));
    }

    [Fact]
    public async Task SendAsync_SequenceAdvancedByAnotherSender_RecoversFromMismatch()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var other = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        await client.TransferAsync(alice, TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx)); // client now counts sequence 1 locally
        var elsewhere = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(2, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 1);
        await other.BroadcastAsync(elsewhere, BroadcastMode.Commit);

        var result = await client.TransferAsync(alice, TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx));

        Assert.True(result.Result!.IsSuccess);
        Assert.Equal(3UL, (await client.GetAccountAsync(TestKeys.Alice.Address)).Sequence);
    }

    [Fact]
    public async Task BroadcastAsync_StaleSequence_ThrowsRejectionFlaggedAsSequenceMismatch()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 7);

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => client.BroadcastAsync(tx));

        Assert.True(e.IsSequenceMismatch);
        Assert.Equal(TxErrors.SequenceMismatch.Code, e.Code);
        Assert.Equal(TxErrors.Codespace, e.Codespace);
        Assert.Equal(tx.Hash.ToString(), e.TransactionHash);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task BroadcastAsync_InsufficientFunds_ThrowsRejectionWithNodeCode()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var dave = TestClients.Wallet(TestKeys.Dave);

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => client.TransferAsync(dave, TestKeys.Bob.Address, Amount.FromTokens(1_000, Denom.Phnx)));

        Assert.False(e.IsSequenceMismatch);
        Assert.NotEqual(0U, e.Code);
    }

    [Fact]
    public async Task BroadcastAsync_SameTransactionTwice_SecondIsAlreadyKnown()
    {
        await using var node = await TestNode.StartAsync();
        node.AutoProduce = false;
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 0);

        var first = await client.BroadcastAsync(tx);
        var second = await client.BroadcastAsync(tx);

        Assert.False(first.AlreadyKnown);
        Assert.True(second.AlreadyKnown);
        Assert.Equal(tx.Hash, second.TxHash);
        Assert.Equal(1, node.Mempool.Count);
    }

    [Fact]
    public async Task BroadcastAsync_ResponseLostAfterCommit_RetryReportsTheCommittedTransaction()
    {
        await using var node = await TestNode.StartAsync();
        node.Faults.LoseBroadcastResponses = 1;
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var bobBefore = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);
        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(2, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 0);

        var result = await client.BroadcastAsync(tx, BroadcastMode.Commit);

        Assert.True(result.Committed);
        Assert.True(result.AlreadyKnown);
        Assert.Equal(1, node.Faults.BroadcastCalls); // the retry found it by hash and did not resend
        Assert.Equal(bobBefore + Amount.FromTokens(2, Denom.Phnx), await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));
    }

    [Fact]
    public async Task GetTxAsync_CommittedAndUnknown_ReturnsResultOrNull()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var sent = await client.TransferAsync(alice, TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx));

        var found = await client.GetTxAsync(sent.TxHash);
        var missing = await client.GetTxAsync(Hash32.Sha256("nothing"u8));

        Assert.NotNull(found);
        Assert.False(found.Pending);
        Assert.Equal(sent.Height, found.Height);
        Assert.Equal(sent.TxHash, Hash32.Sha256(found.Raw.Span));
        Assert.Null(missing);
    }

    [Fact]
    public async Task GetBlockAsync_LatestAndMissing_ReturnsBlockOrNull()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var sent = await client.TransferAsync(alice, TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx));

        var block = await client.GetBlockAsync(sent.Height);
        var latest = await client.GetBlockAsync();
        var future = await client.GetBlockAsync(sent.Height + 100);

        Assert.NotNull(block);
        Assert.Equal(sent.TxHash, Hash32.Sha256(Assert.Single(block.Transactions).Span));
        Assert.Equal(node.Height, latest!.Height);
        Assert.Null(future);
    }

    [Fact]
    public async Task GetBalanceAsync_FirstEndpointStopped_FailsOverToSecond()
    {
        await using var down = await TestNode.StartAsync();
        await using var up = await TestNode.StartAsync();
        using var client = TestClients.For(down.Address, up.Address);
        await down.StopServerAsync();

        var balance = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Spark);

        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Spark), balance);
        Assert.Equal(up.Address, client.Pipeline.CurrentEndpoint);
    }

    [Fact]
    public async Task AsSequenceSource_ReadsCommittedSequence()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        await client.TransferAsync(alice, TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx));

        var sequence = await client.AsSequenceSource().GetSequenceAsync(TestKeys.Alice.Address.ToArray());

        Assert.Equal(1UL, sequence);
    }
}
