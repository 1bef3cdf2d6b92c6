using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class TaskMarketPostingTests
{
    private static long Now(MarketChain chain) => chain.Time.Seconds + 5;

    [Fact]
    public void PostTask_ValidTask_EscrowsUnitsTimesPriceTimesOnePlusFeeRate()
    {
        var chain = new MarketChain();
        var before = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;

        var r = chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: 2_000_000, now: Now(chain)));

        // 10 units × 2 SPARK × 1.05 = 21 SPARK.
        Assert.Equal(before - 21_000_000, chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.Equal((UInt128)21_000_000, chain.Balance(Phoenix.Protocol.Primitives.Address.ForModule(TaskMarketModule.EscrowAccount), Denom.Spark));
        Assert.Equal("1", MarketChain.Attr(r.Events, "task_posted", "task_id"));
        var task = TaskMarketModule.GetTask(chain.State, 1)!;
        Assert.Equal(10u, task.OpenUnits);
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 9).State);
    }

    public static TheoryData<string, ResultCode> InvalidPosts => new()
    {
        { "kind", TaskErrors.InvalidWorkloadKind },
        { "kind_space", TaskErrors.InvalidWorkloadKind },
        { "model", TaskErrors.InvalidContentId },
        { "policy", TaskErrors.InvalidPolicy },
        { "exact_with_tolerance", TaskErrors.InvalidPolicy },
        { "units", TaskErrors.InvalidUnits },
        { "too_many_units", TaskErrors.InvalidUnits },
        { "price_zero", TaskErrors.InvalidPrice },
        { "price_leading_zero", TaskErrors.InvalidPrice },
        { "attestations", TaskErrors.InvalidAttestationsRequired },
        { "deadline", TaskErrors.InvalidDeadline },
        { "claim_duration", TaskErrors.InvalidClaimDuration },
        { "overflow", TaskErrors.AmountOverflow },
    };

    [Theory]
    [MemberData(nameof(InvalidPosts))]
    public void PostTask_InvalidField_ReturnsTypedErrorAndKeepsFunds(string field, ResultCode expected)
    {
        var chain = new MarketChain();
        var before = chain.Balance(MarketChain.Buyer, Denom.Spark);
        var now = Now(chain);
        var valid = new PostTaskMessage("onnx/v1", Msg.Model.ToArray(), Msg.Inputs.ToArray(), VerificationPolicy.Exact, 0, 0, 10, "1000", 2, now + 1000, 100);
        var bad = field switch
        {
            "kind" => valid with { Kind = string.Empty },
            "kind_space" => valid with { Kind = "onnx v1" },
            "model" => valid with { ModelCid = new byte[31] },
            "policy" => valid with { Policy = VerificationPolicy.Unspecified },
            "exact_with_tolerance" => valid with { RtolPpb = 5 },
            "units" => valid with { Units = 0 },
            "too_many_units" => valid with { Units = TaskMarketModule.MaxUnits + 1 },
            "price_zero" => valid with { PricePerUnit = "0" },
            "price_leading_zero" => valid with { PricePerUnit = "01000" },
            "attestations" => valid with { AttestationsRequired = 0 },
            "deadline" => valid with { DeadlineUnixSeconds = now },
            "claim_duration" => valid with { ClaimDurationSeconds = 0 },
            "overflow" => valid with { PricePerUnit = UInt128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        MarketChain.AssertFails(chain.Run(MarketChain.Buyer, bad.ToWire()), expected);
        Assert.Equal(before, chain.Balance(MarketChain.Buyer, Denom.Spark));
        Assert.Null(TaskMarketModule.GetTask(chain.State, 1));
    }

    [Fact]
    public void PostTask_InsufficientSpark_FailsWithBankError()
    {
        var chain = new MarketChain();
        var r = chain.Run(MarketChain.Buyer, Msg.Post(units: 1_000, price: 1_000_000_000_000, now: Now(chain)));
        Assert.Equal("bank", r.Codespace);
        Assert.Null(TaskMarketModule.GetTask(chain.State, 1));
    }

    [Fact]
    public void CancelTask_OpenAndClaimedUnits_RefundsOnlyOpenUnitsAndRejectsNewClaims()
    {
        var chain = new MarketChain();
        var before = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: 1_000_000, now: Now(chain)));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 4));

        var r = chain.RunOk(MarketChain.Buyer, Msg.Cancel(1));

        // 6 open units × 1.05 SPARK come back; 4 claimed units stay escrowed.
        Assert.Equal(before - (4 * 1_050_000), chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.Equal("6", MarketChain.Attr(r.Events, "units_refunded", "units"));
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Claim(1, 4, 1)), TaskErrors.TaskClosed);
        MarketChain.AssertFails(chain.Run(MarketChain.Buyer, Msg.Cancel(1)), TaskErrors.TaskClosed);
        Assert.Equal(UnitState.Refunded, TaskMarketModule.GetUnit(chain.State, 1, 5).State);
        Assert.Equal(UnitState.Claimed, TaskMarketModule.GetUnit(chain.State, 1, 0).State);
    }

    [Fact]
    public void CancelTask_NotBuyerOrUnknown_ReturnsTypedError()
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(now: Now(chain)));
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Cancel(1)), TaskErrors.NotBuyer);
        MarketChain.AssertFails(chain.Run(MarketChain.Buyer, Msg.Cancel(7)), TaskErrors.TaskNotFound);
    }

    [Fact]
    public void Deadline_Passes_RefundsOpenUnitsInEndBlock()
    {
        var chain = new MarketChain();
        var before = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 5, price: 1_000_000, deadlineIn: 100, now: Now(chain)));

        var response = chain.Block(200);

        Assert.Equal(before, chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.Equal("deadline", MarketChain.Attr(response.Events, "units_refunded", "reason"));
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Claim(1, 0, 1)), TaskErrors.TaskClosed);
    }
}
