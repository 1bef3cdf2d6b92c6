using System.Text;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Tests.Agents;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;
using TaskStatus = Phoenix.Sdk.Tasks.TaskStatus;

namespace Phoenix.Sdk.Tests.Tasks;

/// <summary>The task API against a real node: posting (blobs, escrow, SPARK purchase), queries, cancel, claims.</summary>
public sealed class TaskApiTests
{
    private static TaskRequest Request(int units = 2, SparkPurchase? purchase = null) => new()
    {
        Kind = TestWorkload.KindName,
        Model = Encoding.ASCII.GetBytes("model"),
        Inputs = [.. Enumerable.Range(0, units).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"in {i}"))],
        PricePerUnit = Amount.FromTokens(1, Denom.Spark),
        Purchase = purchase,
    };

    private static UInt128 Escrow(int units) => (UInt128)units * (1_000_000 + MarketNet.Parameters.TaskFeeRate.MultiplyFloor(1_000_000));

    [Fact]
    public async Task PostTask_UploadsBlobsAndEscrows_RecordMatchesModuleState()
    {
        await using var net = await MarketNet.StartAsync();
        var before = await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark);
        var request = Request(units: 3);

        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, request);

        Assert.Equal(before.Value - Escrow(3), (await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark)).Value);
        var record = TaskMarketModule.GetTask(net.Node.Chain.App.CommittedState, handle.TaskId);
        Assert.NotNull(record);
        var info = await handle.GetInfoAsync();
        Assert.Equal(record.Units, info.Units);
        Assert.Equal(record.ModelCid.ToByteArray(), info.ModelId.ToArray());
        Assert.Equal(MarketNet.Buyer.Address, info.Buyer);
        Assert.Equal(TaskStatus.Accepting, info.Status);
        Assert.Equal(3u, info.OpenUnits);
        Assert.Equal(VerificationMode.Exact, info.Mode);

        // The model and the input manifest are on the node, and the manifest lists each input's content id in order.
        Assert.Equal(request.Model.ToArray(), await net.Client.Blobs.DownloadAsync(info.ModelId));
        var manifest = await net.Client.Blobs.DownloadAsync(info.InputsId);
        Assert.Equal(3 * Hash32.Length, manifest.Length);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Hash32.Sha256(request.Inputs[i].Span), new Hash32(manifest.AsSpan(i * 32, 32)));
        }

        var unit = await net.Client.GetUnitAsync(handle.TaskId, 2);
        Assert.Equal(UnitState.Open, unit.State);
        Assert.Equal(handle.TaskId, await net.Client.GetLatestTaskIdAsync());
    }

    [Fact]
    public async Task GetTask_WithTrustedAppHashes_VerifiesProofsOfPresentAndAbsentRecords()
    {
        await using var net = await MarketNet.StartAsync();
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request());
        using var verifying = TestClients.Builder(net.Node.Address).UseTrustedAppHashSource(new TestClients.HonestAppHashes(net.Node)).Build();

        var task = await verifying.GetTaskAsync(handle.TaskId);
        Assert.NotNull(task);
        Assert.Equal(2u, task.Units);
        Assert.Null(await verifying.GetTaskAsync(handle.TaskId + 1));
        Assert.Null(await verifying.GetBatchAsync(1));
        Assert.True((await verifying.GetRedeemableAsync(MarketNet.Buyer.Address)).IsZero);
    }

    [Fact]
    public async Task PostTask_NotEnoughSparkAndNoPurchase_ThrowsTaskFundingException_PostsAndUploadsNothing()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var phnxBefore = await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx);

        var e = await Assert.ThrowsAsync<TaskFundingException>(() => net.Client.PostTaskAsync(bob, Request()));

        Assert.Equal(Escrow(2), e.Required);
        Assert.Equal(UInt128.Zero, e.Available);
        Assert.False(e.IsTransient);
        Assert.Equal(0UL, await net.Client.GetLatestTaskIdAsync());
        Assert.Equal(phnxBefore, await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx));
        Assert.Equal(0, net.Node.Blobs.Count);
    }

    [Fact]
    public async Task PostTask_MissingSpark_BurnsJustEnoughPhnxAtTheLimitPrice()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var phnxBefore = (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value;
        var fee = net.Client.DefaultFee.Value;

        var handle = await net.Client.PostTaskAsync(bob, Request(purchase: new SparkPurchase(MarketNet.PriceMicroUsd, Amount.FromTokens(1, Denom.Phnx))));

        // SPARK = PHNX × price / 10^4 (uspark per uphnx at micro-USD prices), so the burn is ⌈escrow × 10^4 / price⌉ and mints exactly the escrow.
        var burned = ((Escrow(2) * 10_000) + MarketNet.PriceMicroUsd - 1) / MarketNet.PriceMicroUsd;
        Assert.Equal(Escrow(2), MintModule.SparkFor(burned, MarketNet.PriceMicroUsd));
        Assert.Equal(phnxBefore - burned - (2 * fee), (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value);
        Assert.True((await net.Client.GetBalanceAsync(bob.Address, Denom.Spark)).IsZero);
        Assert.Equal(bob.Address, (await handle.GetInfoAsync()).Buyer);
    }

    [Fact]
    public async Task PostTask_PurchaseAboveItsPhnxLimit_ThrowsTaskFundingException_BurnsNothing()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var phnxBefore = await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx);
        var needed = ((Escrow(2) * 10_000) + MarketNet.PriceMicroUsd - 1) / MarketNet.PriceMicroUsd;

        await Assert.ThrowsAsync<TaskFundingException>(() => net.Client.PostTaskAsync(bob, Request(purchase: new SparkPurchase(MarketNet.PriceMicroUsd, new Amount(needed - 1, Denom.Phnx)))));

        Assert.Equal(phnxBefore, await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx));
        Assert.Equal(0UL, await net.Client.GetLatestTaskIdAsync());
    }

    [Fact]
    public async Task PostTask_OraclePriceBelowTheBuyersLimit_SlippageGuardRejectsTheBurn_NoSparkNoTask()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var phnxBefore = (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value;

        // The buyer assumes PHNX is worth twice the oracle price, so the planned burn would mint only half.
        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => net.Client.PostTaskAsync(bob, Request(purchase: new SparkPurchase(2 * MarketNet.PriceMicroUsd, Amount.FromTokens(1, Denom.Phnx)))));

        Assert.True(e.Is(MintErrors.SlippageExceeded), e.Message);
        Assert.True((await net.Client.GetBalanceAsync(bob.Address, Denom.Spark)).IsZero);
        Assert.Equal(phnxBefore - net.Client.DefaultFee.Value, (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value);
        Assert.Equal(0UL, await net.Client.GetLatestTaskIdAsync());
    }

    public static TheoryData<string> InvalidRequests => ["no-inputs", "no-model", "phnx-price", "zero-attestations", "tolerance-in-exact", "bad-kind"];

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task PostTask_InvalidRequest_ThrowsArgumentException_BeforeAnyCall(string what)
    {
        await using var net = await MarketNet.StartAsync();
        var request = Request();
        switch (what)
        {
            case "no-inputs": request.Inputs = []; break;
            case "no-model": request.Model = ReadOnlyMemory<byte>.Empty; break;
            case "phnx-price": request.PricePerUnit = Amount.FromTokens(1, Denom.Phnx); break;
            case "zero-attestations": request.AttestationsRequired = 0; break;
            case "tolerance-in-exact": request.RelativeTolerancePpb = 5; break;
            default: request.Kind = "has space"; break;
        }

        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.PostTaskAsync(MarketNet.Buyer, request));

        Assert.Equal(0, net.Node.Blobs.Count);
        Assert.Equal(0UL, await net.Client.GetLatestTaskIdAsync());
    }

    [Fact]
    public async Task CancelTask_ByBuyer_RefundsEscrow_ByOtherAccount_RejectedWithNotBuyer()
    {
        await using var net = await MarketNet.StartAsync();
        var before = await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark);
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request());

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => handle.CancelAsync(MarketNet.Miner(0)));
        Assert.True(e.Is(TaskErrors.NotBuyer));
        Assert.Equal(TaskStatus.Accepting, (await handle.GetInfoAsync()).Status);

        await handle.CancelAsync(MarketNet.Buyer);

        var info = await handle.GetInfoAsync();
        Assert.Equal(TaskStatus.Cancelled, info.Status);
        Assert.Equal(2u, info.RefundedUnits);
        Assert.True(info.IsComplete);
        Assert.Equal(before, await net.Client.GetBalanceAsync(MarketNet.Buyer.Address, Denom.Spark));
        Assert.Equal(UnitState.Refunded, (await net.Client.GetUnitAsync(handle.TaskId, 0)).State);
        Assert.Equal(info, await handle.WaitForCompletionAsync().WithTimeout("a cancelled task to count as complete"));
    }

    [Fact]
    public async Task ClaimUnits_OutsideTheTask_RejectedWithInvalidUnitRange_NoBondTaken()
    {
        await using var net = await MarketNet.StartAsync();
        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, Request());
        var miner = MarketNet.Miner(0);
        var spark = await net.Client.GetBalanceAsync(miner.Address, Denom.Spark);

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => net.Client.ClaimUnitsAsync(miner, handle.TaskId, 1, 2));

        Assert.True(e.Is(TaskErrors.InvalidUnitRange));
        Assert.Equal(spark, await net.Client.GetBalanceAsync(miner.Address, Denom.Spark));
        Assert.Equal(0UL, await net.Client.GetLatestBatchIdAsync());

        var batchId = await net.Client.ClaimUnitsAsync(miner, handle.TaskId, 0, 2);
        var batch = await net.Client.GetBatchAsync(batchId);
        Assert.NotNull(batch);
        Assert.Equal(BatchStatus.Claimed, batch.Status);
        Assert.Equal(miner.Address, batch.Miner);
        Assert.Equal(UnitState.Claimed, (await net.Client.GetUnitAsync(handle.TaskId, 1)).State);
        Assert.Equal(spark.Value - (2 * (await handle.GetInfoAsync()).BondPerUnit.Value), (await net.Client.GetBalanceAsync(miner.Address, Denom.Spark)).Value);
    }
}
