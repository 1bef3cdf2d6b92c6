using Google.Protobuf;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Transactions;

public class TxDecoderTests
{
    private static readonly TxDecoder Decoder = new PhoenixApplicationBuilder().Build().Decoder;

    private static TxRaw Raw(byte[] bytes) => TxRaw.Parser.ParseFrom(bytes);

    [Fact]
    public void Decode_SignedTransfer_RoundTripsAndHashesBytesAsSent()
    {
        var bytes = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(10, Denom.Spark).Sequence(3).Signed();
        var result = Decoder.Decode(bytes);
        Assert.True(result.IsOk, result.Log);
        var tx = result.Transaction!;
        Assert.Equal(Hash32.Sha256(bytes), tx.Hash);
        Assert.Equal(TestKeys.Alice.Address, tx.SignerAddress);
        Assert.Equal(3UL, tx.Sequence);
        Assert.True(tx.VerifySignature());
        var send = Assert.IsType<Phoenix.Protocol.Modules.Bank.SendMessage>(Assert.Single(tx.Messages));
        Assert.Equal(TestKeys.Bob.Address, send.To);
        Assert.Equal(new Amount(10, Denom.Spark), Assert.Single(send.Amounts));
    }

    [Fact]
    public void Decode_TrailingBytes_ReturnsNonCanonical()
    {
        var bytes = Build.A.Transfer.Signed();
        // A stray zero byte is not even valid protobuf; a complete extra field (an empty field 3) is valid but not canonical.
        Assert.Equal(TxErrors.Malformed, Decoder.Decode([.. bytes, 0x00]).Code);
        Assert.Equal(TxErrors.NonCanonical, Decoder.Decode([.. bytes, 0x1a, 0x00]).Code);
    }

    [Fact]
    public void Decode_UnknownFieldInEnvelope_ReturnsNonCanonical()
    {
        var bytes = Build.A.Transfer.Signed();
        // field 15, varint 1
        Assert.Equal(TxErrors.NonCanonical, Decoder.Decode([.. bytes, 0x78, 0x01]).Code);
    }

    [Fact]
    public void Decode_UnknownMessageType_ReturnsUnknownMessageType()
    {
        var raw = Raw(Build.A.Transfer.Signed());
        var body = TxBody.Parser.ParseFrom(raw.BodyBytes);
        var bodyBytes = body.ToByteArray();
        // A second message whose oneof field 150 (length-delimited, empty) is not registered: 0x12 len [0xb2 0x09 0x00].
        byte[] unknown = [0x12, 0x03, 0xb2, 0x09, 0x00];
        raw.BodyBytes = ByteString.CopyFrom([.. bodyBytes, .. unknown]);
        Assert.Equal(TxErrors.UnknownMessageType, Decoder.Decode(raw.ToByteArray()).Code);
    }

    [Fact]
    public void Decode_Oversized_ReturnsTxTooLarge()
    {
        var big = Build.A.Transfer.Memo(new string('m', 100)).Signed();
        var padded = new byte[70_000];
        big.CopyTo(padded, 0);
        Assert.Equal(TxErrors.TxTooLarge, Decoder.Decode(padded).Code);
    }

    [Fact]
    public void Decode_Garbage_ReturnsMalformedWithoutThrowing()
    {
        Assert.Equal(TxErrors.Malformed, Decoder.Decode([0xff, 0xff, 0xff]).Code);
    }

    [Fact]
    public void Decode_NonMinimalVarint_ReturnsNonCanonical()
    {
        var raw = Raw(Build.A.Transfer.Sequence(1).Signed());
        var auth = AuthInfo.Parser.ParseFrom(raw.AuthInfoBytes).ToByteArray();
        // sequence field (tag 0x10) value 1 encoded as 0x81 0x00 instead of 0x01.
        var index = Array.IndexOf(auth, (byte)0x10);
        byte[] padded = [.. auth[..(index + 1)], 0x81, 0x00, .. auth[(index + 2)..]];
        raw.AuthInfoBytes = ByteString.CopyFrom(padded);
        Assert.Equal(TxErrors.NonCanonical, Decoder.Decode(raw.ToByteArray()).Code);
    }

    [Theory]
    [InlineData("01")]
    [InlineData("-1")]
    [InlineData("")]
    public void Decode_NonCanonicalFeeAmount_ReturnsInvalidFee(string amount)
    {
        var raw = Raw(Build.A.Transfer.Signed());
        var auth = AuthInfo.Parser.ParseFrom(raw.AuthInfoBytes);
        auth.Fee.Amount = amount;
        raw.AuthInfoBytes = auth.ToByteString();
        Assert.Equal(TxErrors.InvalidFee, Decoder.Decode(raw.ToByteArray()).Code);
    }

    [Fact]
    public void Decode_ZeroOrBTaskOrUnsortedAmounts_ReturnsInvalidMessage()
    {
        Assert.Equal(TxErrors.InvalidMessage, Decoder.Decode(Build.A.Transfer.Amount(0, Denom.Phnx).Signed()).Code);
        Assert.Equal(TxErrors.InvalidMessage, Decoder.Decode(Build.A.Transfer.Amount(1, Denom.Spark).Amount(1, Denom.Phnx).Signed()).Code);
    }

    [Fact]
    public void Decode_BadSignatureLength_ReturnsInvalidSignature()
    {
        var raw = Raw(Build.A.Transfer.Signed());
        raw.Signature = ByteString.CopyFrom(new byte[63]);
        Assert.Equal(TxErrors.InvalidSignature, Decoder.Decode(raw.ToByteArray()).Code);
    }
}
