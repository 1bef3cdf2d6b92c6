using System.Globalization;
using Google.Protobuf;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using WireReport = Phoenix.Protocol.Wire.State.PriceReport;

namespace Phoenix.Protocol.Modules.Oracle;

/// <summary>Result codes of the oracle module (codespace <c>oracle</c>). Never reused.</summary>
public static class OracleErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "oracle";

    /// <summary>The signer does not operate a bonded validator.</summary>
    public static ResultCode NotBondedValidator { get; } = new(Codespace, 1, "not_bonded_validator");
}

/// <summary>A bonded validator's PHNX/USD report (wire: <c>MsgReportPrice</c>, type id 40).</summary>
/// <param name="PriceMicroUsd">Micro-USD per PHNX (positive).</param>
public sealed record ReportPriceMessage(ulong PriceMicroUsd) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "oracle/report_price";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { ReportPrice = new MsgReportPrice { PriceMicroUsd = PriceMicroUsd } };

    internal static bool TryConvert(Message wire, out ReportPriceMessage? message, out string error)
    {
        message = null;
        if (wire.ReportPrice.PriceMicroUsd == 0)
        {
            error = "price_micro_usd must be positive.";
            return false;
        }

        message = new ReportPriceMessage(wire.ReportPrice.PriceMicroUsd);
        error = string.Empty;
        return true;
    }
}

/// <summary>The on-chain price at a block time.</summary>
/// <param name="IsValid">Whether fresh reports cover at least <see cref="ChainParameters.OracleMinCoverage"/> of voting power.</param>
/// <param name="PriceMicroUsd">The stake-weighted median in micro-USD per PHNX (0 when there is no fresh report).</param>
/// <param name="CoveredPower">Voting power of the validators with a fresh report.</param>
/// <param name="TotalPower">Total voting power of the consensus set.</param>
public sealed record OraclePrice(bool IsValid, ulong PriceMicroUsd, UInt128 CoveredPower, UInt128 TotalPower);

/// <summary>
/// The PHNX/USD oracle (DESIGN §4): validators in the consensus set report integer prices (micro-USD
/// per PHNX); the on-chain price is the voting-power-weighted median of the reports that are fresher than
/// <see cref="ChainParameters.OracleStalenessSeconds"/> (the oracle period), valid only when those reports
/// cover at least <see cref="ChainParameters.OracleMinCoverage"/> of the voting power.
/// </summary>
/// <remarks>
/// <para>Weighted median: reports sorted by price (ties by operator address); the price is the first one at
/// which the cumulative weight reaches half of the covered weight (<c>2 × cumulative ≥ covered</c>), the lower
/// weighted median. Weights are the capped voting powers of the last reported validator set.</para>
/// <para>State (under <c>oracle/</c>): <c>r+operator</c> → the validator's latest report (price, block time, height).</para>
/// </remarks>
public sealed class OracleModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "oracle";

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<ReportPriceMessage>(Message.SumOneofCase.ReportPrice, ReportPriceMessage.Type, ReportPriceMessage.TryConvert, HandleReport, Name);
    }

    /// <summary>Records a validator's report (also used by the vote-extension path).</summary>
    /// <param name="context">Context.</param>
    /// <param name="operatorAddress">The validator's operator.</param>
    /// <param name="priceMicroUsd">The price.</param>
    /// <returns>Success or <see cref="OracleErrors.NotBondedValidator"/>.</returns>
    public static TxResult Report(ModuleContext context, Address operatorAddress, ulong priceMicroUsd)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!StakingModule.IsBonded(context.State, operatorAddress))
        {
            return TxResult.Fail(OracleErrors.NotBondedValidator, $"{operatorAddress} does not operate a bonded validator.");
        }

        context.State.Set(ModuleWire.Key("oracle/r"u8, operatorAddress), new WireReport
        {
            PriceMicroUsd = priceMicroUsd,
            UnixSeconds = context.Time.Seconds,
            Height = context.Height,
        }.ToByteArray());
        context.Emit("price_report", ("validator", operatorAddress.ToString()), ("price_micro_usd", priceMicroUsd.ToString(CultureInfo.InvariantCulture)));
        return TxResult.Success();
    }

    /// <summary>Computes the on-chain price at <paramref name="now"/>.</summary>
    /// <param name="state">State.</param>
    /// <param name="now">Block time.</param>
    /// <param name="parameters">Parameters (staleness, coverage).</param>
    /// <returns>The price and whether it is valid.</returns>
    public static OraclePrice GetPrice(IStateReader state, Timestamp now, ChainParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        UInt128 total = 0;
        var fresh = new List<(ulong Price, Address Operator, long Power)>();
        foreach (var member in StakingModule.GetVotingPowers(state))
        {
            total += (UInt128)member.Power;
            var bytes = state.Get(ModuleWire.Key("oracle/r"u8, member.Operator));
            if (bytes is null)
            {
                continue;
            }

            var report = WireReport.Parser.ParseFrom(bytes);
            if (report.UnixSeconds <= now.Seconds && now.Seconds - report.UnixSeconds <= parameters.OracleStalenessSeconds)
            {
                fresh.Add((report.PriceMicroUsd, member.Operator, member.Power));
            }
        }

        UInt128 covered = 0;
        foreach (var f in fresh)
        {
            covered += (UInt128)f.Power;
        }

        if (covered == 0)
        {
            return new OraclePrice(false, 0, 0, total);
        }

        ulong median = 0;
        UInt128 cumulative = 0;
        foreach (var f in fresh.OrderBy(f => f.Price).ThenBy(f => f.Operator))
        {
            cumulative += (UInt128)f.Power;
            if (cumulative * 2 >= covered)
            {
                median = f.Price;
                break;
            }
        }

        return new OraclePrice(parameters.OracleMinCoverage.IsReachedBy(covered, total), median, covered, total);
    }

    private static TxResult HandleReport(ModuleContext context, ReportPriceMessage message)
        => Report(context, context.Signer ?? throw new InvalidOperationException("Reports run inside a transaction."), message.PriceMicroUsd);
}
