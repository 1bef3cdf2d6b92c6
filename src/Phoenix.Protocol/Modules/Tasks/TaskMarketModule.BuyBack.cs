using System.Buffers.Binary;
using System.Numerics;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Protocol.Modules.Tasks;

public sealed partial class TaskMarketModule
{
    private static readonly byte[] LastEpochKey = TaskStore.Key("e");

    private static TxResult HandlePlaceAsk(ModuleContext context, PlaceAskMessage m)
    {
        if (!TaskStore.TryParseAmount(m.PhnxAmount, out var amount) || !TaskStore.TryParseAmount(m.MinPrice, out var minPrice))
        {
            return Fail(TaskErrors.InvalidAmount, "phnx_amount and min_price must be canonical, non-zero amounts.");
        }

        var seller = context.Signer!.Value;
        var escrowed = BankModule.SendToModule(context, seller, AskAccount, new Amount(amount, Denom.Phnx));
        if (!escrowed.IsOk)
        {
            return escrowed;
        }

        var id = TaskStore.NextId(context.State, "ask");
        TaskStore.Write(context.State, TaskStore.AskKey(id), new AskRecord
        {
            Id = id,
            Seller = TaskStore.Addr(seller),
            PhnxAmount = TaskStore.U128(amount),
            MinPrice = TaskStore.U128(minPrice),
        });
        context.Emit("ask_placed", ("ask_id", S(id)), ("seller", seller.ToString()), ("amount", new Amount(amount, Denom.Phnx).ToString()), ("min_price", S(minPrice)));
        return TxResult.Success();
    }

    /// <summary>The SPARK the buy-back pool will spend at the next epoch boundary.</summary>
    /// <param name="state">State to read.</param>
    /// <returns>uspark.</returns>
    public static UInt128 BuyBackPool(IStateReader state) => BankModule.GetBalance(state, Address.ForModule(BuyBackAccount), Denom.Spark).Value;

    private static long Epoch(ModuleContext context) => context.Time.Seconds / context.Parameters.BuyBackEpochSeconds;

    private static void SetLastEpoch(StateCache state, long epoch)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, epoch);
        state.Set(LastEpochKey, bytes);
    }

    private static void ProcessBuyBack(ModuleContext context)
    {
        var epoch = Epoch(context);
        var last = context.State.Get(LastEpochKey) is { } bytes ? BinaryPrimitives.ReadInt64BigEndian(bytes) : epoch;
        if (epoch <= last)
        {
            return;
        }

        SetLastEpoch(context.State, epoch);
        var asks = context.State.Scan(System.Text.Encoding.ASCII.GetBytes(TaskStore.Prefix + "k"))
            .Select(kv => AskRecord.Parser.ParseFrom(kv.Value))
            .Select(a => (Record: a, Amount: TaskStore.U128(a.PhnxAmount), Price: TaskStore.U128(a.MinPrice)))
            .OrderBy(a => a.Price).ThenBy(a => a.Record.Id)
            .ToList();
        if (asks.Count == 0)
        {
            return;
        }

        var budget = BuyBackPool(context.State);
        var fills = Clear(asks.Select(a => (a.Amount, a.Price)).ToList(), budget, out var clearing);
        UInt128 spent = 0, burned = 0;
        for (var i = 0; i < asks.Count; i++)
        {
            var (record, amount, _) = asks[i];
            var seller = TaskStore.Addr(record.Seller);
            var filled = fills[i];
            if (filled != UInt128.Zero)
            {
                var pay = Cost(filled, clearing);
                if (pay != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, BuyBackAccount, seller, new Amount(pay, Denom.Spark)));
                }

                Must(BankModule.Burn(context, Address.ForModule(AskAccount), new Amount(filled, Denom.Phnx)));
                spent += pay;
                burned += filled;
                context.Emit("buyback_fill", ("ask_id", S(record.Id)), ("seller", seller.ToString()), ("phnx_bought", new Amount(filled, Denom.Phnx).ToString()),
                    ("spark_paid", new Amount(pay, Denom.Spark).ToString()));
            }

            if (amount - filled != UInt128.Zero)
            {
                Must(BankModule.SendFromModule(context, AskAccount, seller, new Amount(amount - filled, Denom.Phnx)));
                context.Emit("buyback_refund", ("ask_id", S(record.Id)), ("seller", seller.ToString()), ("phnx_refunded", new Amount(amount - filled, Denom.Phnx).ToString()));
            }

            context.State.Delete(TaskStore.AskKey(record.Id));
        }

        context.Emit("buyback_settled", ("epoch", S((ulong)epoch)), ("clearing_price", S(clearing)), ("spark_spent", new Amount(spent, Denom.Spark).ToString()),
            ("phnx_burned", new Amount(burned, Denom.Phnx).ToString()), ("pool_left", new Amount(budget - spent, Denom.Spark).ToString()));
    }

    /// <summary>uspark paid for <paramref name="uphnx"/> at <paramref name="price"/> uspark per PHNX (rounded down).</summary>
    internal static UInt128 Cost(UInt128 uphnx, UInt128 price) => (UInt128)((BigInteger)uphnx * price / Denom.UnitsPerToken);

    /// <summary>
    /// The sealed uniform-price clearing: asks sorted by price (then id); the cheapest fill first; every
    /// fill is paid the same clearing price, the highest accepted ask's; the marginal ask may fill in part.
    /// </summary>
    /// <param name="asks">(amount uphnx, min price uspark/PHNX), sorted ascending by price.</param>
    /// <param name="budget">uspark to spend.</param>
    /// <param name="clearing">The clearing price (0 when nothing fills).</param>
    /// <returns>The filled amount per ask.</returns>
    internal static UInt128[] Clear(IReadOnlyList<(UInt128 Amount, UInt128 Price)> asks, UInt128 budget, out UInt128 clearing)
    {
        var fills = new UInt128[asks.Count];
        clearing = 0;
        var full = 0;

        // The longest prefix that can be bought in full at its own highest price.
        for (var k = 0; k < asks.Count; k++)
        {
            UInt128 cost = 0;
            for (var i = 0; i <= k; i++)
            {
                cost += Cost(asks[i].Amount, asks[k].Price);
            }

            if (cost > budget)
            {
                break;
            }

            full = k + 1;
        }

        if (full < asks.Count)
        {
            // Try the next ask as a partial fill at its price, with everyone before it in full.
            var p = asks[full].Price;
            UInt128 previous = 0;
            for (var i = 0; i < full; i++)
            {
                previous += Cost(asks[i].Amount, p);
            }

            if (previous <= budget)
            {
                var partial = (UInt128)((BigInteger)(budget - previous) * Denom.UnitsPerToken / p);
                partial = UInt128.Min(partial, asks[full].Amount);
                if (partial != UInt128.Zero && Cost(partial, p) != UInt128.Zero)
                {
                    for (var i = 0; i < full; i++)
                    {
                        fills[i] = asks[i].Amount;
                    }

                    fills[full] = partial;
                    clearing = p;
                    return fills;
                }
            }
        }

        if (full == 0)
        {
            return fills;
        }

        for (var i = 0; i < full; i++)
        {
            fills[i] = asks[i].Amount;
        }

        clearing = asks[full - 1].Price;
        return fills;
    }
}
