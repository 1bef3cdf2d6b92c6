using System.Buffers.Binary;
using System.Numerics;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Mint;

/// <summary>Result codes of the burn-to-mint module (codespace <c>mint</c>). Never reused.</summary>
public static class MintErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "mint";

    /// <summary>The oracle price is stale or does not cover enough voting power: minting is stopped.</summary>
    public static ResultCode OracleUnavailable { get; } = new(Codespace, 1, "oracle_unavailable");

    /// <summary>Fewer SPARK would be minted than <c>min_spark_out</c>.</summary>
    public static ResultCode SlippageExceeded { get; } = new(Codespace, 2, "slippage_exceeded");

    /// <summary>The per-day mint cap would be exceeded (circuit breaker).</summary>
    public static ResultCode DailyCapExceeded { get; } = new(Codespace, 3, "daily_cap_exceeded");

    /// <summary>The burn is too small to mint one uspark.</summary>
    public static ResultCode AmountTooSmall { get; } = new(Codespace, 4, "amount_too_small");
}

/// <summary>Burns PHNX and mints SPARK at the oracle price (wire: <c>MsgBurnForSpark</c>, type id 50).</summary>
/// <param name="Phnx">uphnx to burn (positive).</param>
/// <param name="MinSparkOut">The minimum uspark accepted (slippage guard; may be zero).</param>
public sealed record BurnForSparkMessage(UInt128 Phnx, UInt128 MinSparkOut) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "mint/burn_for_spark";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { BurnForSpark = new MsgBurnForSpark { Phnx = ModuleWire.Dec(Phnx), MinSparkOut = ModuleWire.Dec(MinSparkOut) } };

    internal static bool TryConvert(Message wire, out BurnForSparkMessage? message, out string error)
    {
        message = null;
        if (!ModuleWire.TryPositive(wire.BurnForSpark.Phnx, out var phnx) || !Amount.TryParseValue(wire.BurnForSpark.MinSparkOut, out var min))
        {
            error = "phnx must be a canonical non-zero uphnx amount and min_spark_out a canonical uspark amount.";
            return false;
        }

        message = new BurnForSparkMessage(phnx, min);
        error = string.Empty;
        return true;
    }
}

/// <summary>
/// Burn-to-mint (DESIGN §4): <c>BurnForSpark(phnx, min_spark_out)</c> burns PHNX and mints
/// <c>uspark = floor(uphnx × price_micro_usd / 10,000)</c>, which is PHNX × price / 0.01 USD in base units
/// (1 PHNX = 10^6 uphnx, price in 10^-6 USD, 1 SPARK = 0.01 USD = 10^6 uspark), rounded down. It fails
/// (state untouched) when the oracle price is invalid, when the output is below <c>min_spark_out</c>, or
/// when the SPARK minted in the current UTC day (block time / 86,400) would exceed
/// <see cref="Parameters.ChainParameters.DailyMintCapUspark"/>. There is no path back from SPARK to PHNX.
/// </summary>
/// <remarks>State (under <c>mint/</c>): <c>d</c> → day index (8 bytes) and uspark minted that day (16 bytes).</remarks>
public sealed class MintModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "mint";

    /// <summary>Seconds per mint-cap day.</summary>
    public const long SecondsPerDay = 86_400;

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<BurnForSparkMessage>(Message.SumOneofCase.BurnForSpark, BurnForSparkMessage.Type, BurnForSparkMessage.TryConvert, Handle, Name);
    }

    /// <summary>uspark for a burn at a price, rounded down.</summary>
    /// <param name="uphnx">uphnx burned.</param>
    /// <param name="priceMicroUsd">Micro-USD per PHNX.</param>
    /// <returns>uspark (saturates at <see cref="UInt128.MaxValue"/>; the daily cap then refuses it).</returns>
    public static UInt128 SparkFor(UInt128 uphnx, ulong priceMicroUsd)
    {
        var v = (BigInteger)uphnx * priceMicroUsd / 10_000;
        return v > UInt128.MaxValue ? UInt128.MaxValue : (UInt128)v;
    }

    /// <summary>uspark minted so far in the day of <paramref name="now"/>.</summary>
    /// <param name="state">State.</param>
    /// <param name="now">Block time.</param>
    /// <returns>uspark.</returns>
    public static UInt128 MintedToday(IStateReader state, Timestamp now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var v = state.Get("mint/d"u8);
        return v is null || BinaryPrimitives.ReadInt64BigEndian(v) != Day(now) ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v.AsSpan(8));
    }

    private static long Day(Timestamp t) => t.Seconds >= 0 ? t.Seconds / SecondsPerDay : ((t.Seconds + 1) / SecondsPerDay) - 1;

    private static TxResult Handle(ModuleContext context, BurnForSparkMessage m)
    {
        var signer = context.Signer ?? throw new InvalidOperationException("Burn-to-mint runs inside a transaction.");
        var price = OracleModule.GetPrice(context.State, context.Time, context.Parameters);
        if (!price.IsValid)
        {
            return TxResult.Fail(MintErrors.OracleUnavailable, $"Fresh reports cover {price.CoveredPower} of {price.TotalPower} voting power.");
        }

        var spark = SparkFor(m.Phnx, price.PriceMicroUsd);
        if (spark == 0)
        {
            return TxResult.Fail(MintErrors.AmountTooSmall, "The burn mints less than 1 uspark.");
        }

        if (spark < m.MinSparkOut)
        {
            return TxResult.Fail(MintErrors.SlippageExceeded, $"Would mint {spark} uspark, below the minimum {m.MinSparkOut}.");
        }

        var today = MintedToday(context.State, context.Time);
        if (spark > context.Parameters.DailyMintCapUspark || today > context.Parameters.DailyMintCapUspark - spark)
        {
            return TxResult.Fail(MintErrors.DailyCapExceeded, $"{today} uspark minted today; cap {context.Parameters.DailyMintCapUspark}.");
        }

        var burned = BankModule.Burn(context, signer, new Amount(m.Phnx, Denom.Phnx));
        if (!burned.IsOk)
        {
            return burned;
        }

        var minted = BankModule.Mint(context, signer, new Amount(spark, Denom.Spark));
        if (!minted.IsOk)
        {
            return minted;
        }

        var record = new byte[24];
        BinaryPrimitives.WriteInt64BigEndian(record, Day(context.Time));
        BinaryPrimitives.WriteUInt128BigEndian(record.AsSpan(8), today + spark);
        context.State.Set("mint/d"u8, record);
        context.Emit("burn_for_spark", ("burner", signer.ToString()), ("uphnx", ModuleWire.Dec(m.Phnx)), ("uspark", ModuleWire.Dec(spark)),
            ("price_micro_usd", price.PriceMicroUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return TxResult.Success();
    }
}
