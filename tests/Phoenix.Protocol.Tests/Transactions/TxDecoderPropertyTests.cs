using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Transactions;

public class TxDecoderPropertyTests
{
    private static readonly TxDecoder Decoder = new PhoenixApplicationBuilder().Build().Decoder;
    private static readonly byte[] Valid = Build.A.Transfer.Amount(77, Denom.Spark).Signed();

    [Fact]
    public void Decode_ArbitraryBytes_NeverThrowsAndFailsWithACode()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var result = Decoder.Decode(bytes ?? []);
            return result.IsOk || !result.Code.IsOk;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Decode_SingleByteMutationsOfValidTx_RejectedOrReencodeIdentically()
    {
        // encode∘decode is the identity on canonical bytes and rejects everything else: any mutation
        // that still decodes must be a different canonical transaction (different hash), never a re-encoding of the original.
        Prop.ForAll<int, byte>((position, value) =>
        {
            var bytes = (byte[])Valid.Clone();
            var i = Math.Abs(position % bytes.Length);
            if (bytes[i] == value)
            {
                return true;
            }

            bytes[i] = value;
            var result = Decoder.Decode(bytes);
            return !result.IsOk || (result.Transaction!.Hash == Hash32.Sha256(bytes) && result.Transaction.Hash != Hash32.Sha256(Valid));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Decode_RandomValidTransfers_RoundTripFields()
    {
        Prop.ForAll<ulong, ulong, byte>((amount, sequence, d) =>
        {
            var denom = d % 2 == 0 ? Denom.Phnx : Denom.Spark;
            var value = amount == 0 ? 1 : amount;
            var tx = Decoder.Decode(Build.A.Transfer.Amount(value, denom).Sequence(sequence).Signed()).Transaction!;
            var send = (Phoenix.Protocol.Modules.Bank.SendMessage)tx.Messages[0];
            return tx.Sequence == sequence && send.Amounts[0] == new Amount(value, denom) && tx.VerifySignature();
        }).QuickCheckThrowOnFailure();
    }
}
