using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Bank;

/// <summary>Moves coins from the transaction's signer to <paramref name="To"/> (wire: <c>MsgSend</c>, type id 1).</summary>
/// <param name="To">The recipient.</param>
/// <param name="Amounts">One to three non-zero amounts in distinct, ascending denominations.</param>
public sealed record SendMessage(Address To, IReadOnlyList<Amount> Amounts) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "bank/send";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire()
    {
        var send = new MsgSend { ToAddress = To.ToString() };
        send.Amount.AddRange(Amounts.Select(TxEncoding.ToCoin));
        return new Message { Send = send };
    }

    internal static bool TryConvert(Message wire, out SendMessage? message, out string error)
    {
        message = null;
        var send = wire.Send;
        if (!Address.TryParse(send.ToAddress, null, out var to))
        {
            error = "to_address is not a phx address.";
            return false;
        }

        if (send.Amount.Count is 0 or > 3)
        {
            error = "amount lists 1 to 3 coins.";
            return false;
        }

        var amounts = new List<Amount>(send.Amount.Count);
        foreach (var coin in send.Amount)
        {
            if (!TxEncoding.TryFromCoin(coin, out var amount) || amount.IsZero)
            {
                error = "Each coin needs a known denomination and a canonical, non-zero amount.";
                return false;
            }

            if (amounts.Count > 0 && amounts[^1].Denom >= amount.Denom)
            {
                error = "Coins must be in distinct, ascending denominations.";
                return false;
            }

            amounts.Add(amount);
        }

        message = new SendMessage(to, amounts);
        error = string.Empty;
        return true;
    }
}
