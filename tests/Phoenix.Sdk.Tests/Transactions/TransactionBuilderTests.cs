using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Sdk.Tests.Api;
using Phoenix.Sdk.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Transactions;

public sealed class TransactionBuilderTests
{
    [Fact]
    public void Sign_Transfer_MatchesTheProtocolsReferenceEncodingByteForByte()
    {
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var reference = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(5_000_000, Denom.Phnx).Fee(10_000, Denom.Phnx)
            .Sequence(3).ChainId(TestChain.ChainId).Memo("rent").TimeoutHeight(99).Signed();

        var tx = new TransactionBuilder(TestChain.ChainId)
            .Transfer(TestKeys.Bob.Address, new Amount(5_000_000, Denom.Phnx))
            .WithFee(new Amount(10_000, Denom.Phnx))
            .WithMemo("rent")
            .WithTimeoutHeight(99)
            .WithSequence(3)
            .Sign(alice);

        Assert.Equal(reference, tx.Raw.ToArray());
        Assert.Equal(Hash32.Sha256(reference), tx.Hash);
    }

    [Fact]
    public void Sign_Transfer_DecodesWithVerifiableSignatureAndFields()
    {
        using var alice = TestClients.Wallet(TestKeys.Alice);

        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(2, Denom.Spark)).WithFee(new Amount(1, Denom.Spark)).Sign(alice, 4);

        Assert.True(tx.VerifySignature());
        Assert.Equal(TestKeys.Alice.Address, tx.SignerAddress);
        Assert.Equal(4UL, tx.Sequence);
        var send = Assert.IsType<SendMessage>(Assert.Single(tx.Messages));
        Assert.Equal(TestKeys.Bob.Address, send.To);
        Assert.Equal(Amount.FromTokens(2, Denom.Spark), Assert.Single(send.Amounts));
    }

    [Fact]
    public void Sign_SignatureCoversBytesAsSent_TamperedBodyFailsVerification()
    {
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(2, Denom.Phnx)).WithFee(new Amount(1, Denom.Phnx)).Sign(alice, 0);
        var raw = Phoenix.Protocol.Wire.Tx.TxRaw.Parser.ParseFrom(tx.Raw.Span);
        var body = Phoenix.Protocol.Wire.Tx.TxBody.Parser.ParseFrom(raw.BodyBytes);
        body.Memo = "changed";
        raw.BodyBytes = Google.Protobuf.ByteString.CopyFrom(Google.Protobuf.MessageExtensions.ToByteArray(body));

        var tampered = TransactionBuilder.Decode(Google.Protobuf.MessageExtensions.ToByteArray(raw));

        Assert.False(tampered.VerifySignature());
    }

    [Fact]
    public void Sign_WithoutSequenceFeeOrMessage_ThrowsInvalidOperation()
    {
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var transfer = Amount.FromTokens(1, Denom.Phnx);

        Assert.Throws<InvalidOperationException>(() => new TransactionBuilder("c").Transfer(TestKeys.Bob.Address, transfer).WithFee(transfer).Sign(alice));
        Assert.Throws<InvalidOperationException>(() => new TransactionBuilder("c").Transfer(TestKeys.Bob.Address, transfer).Sign(alice, 0));
        Assert.Throws<InvalidOperationException>(() => new TransactionBuilder("c").WithFee(transfer).Sign(alice, 0));
    }

    [Fact]
    public void Transfer_ZeroOrNonTransferable_ThrowsArgumentException()
    {
        var builder = new TransactionBuilder("c");

        Assert.Throws<ArgumentException>(() => builder.Transfer(TestKeys.Bob.Address, Amount.Zero(Denom.Phnx)));
        Assert.Throws<ArgumentException>(() => builder.Transfer(TestKeys.Bob.Address, Amount.FromTokens(1, Denom.BTask)));
        Assert.Throws<ArgumentException>(() => builder.WithFee(Amount.FromTokens(1, Denom.BTask)));
        Assert.Throws<ArgumentException>(() => new TransactionBuilder(" "));
    }

    [Fact]
    public void Sign_MemoTooLong_ThrowsRejectionWithProtocolCode()
    {
        using var alice = TestClients.Wallet(TestKeys.Alice);
        var builder = new TransactionBuilder("c").Transfer(TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(new Amount(1, Denom.Phnx)).WithMemo(new string('m', 257));

        var e = Assert.Throws<TransactionRejectedException>(() => builder.Sign(alice, 0));

        Assert.Equal(Phoenix.Protocol.Results.TxErrors.MemoTooLong.Code, e.Code);
    }

    [Fact]
    public void Decode_Garbage_ThrowsRejectionNotCrash()
    {
        var e = Assert.Throws<TransactionRejectedException>(() => TransactionBuilder.Decode([0xFF, 0x01, 0x02]));

        Assert.Equal(Phoenix.Protocol.Results.TxErrors.Codespace, e.Codespace);
    }

    [Fact]
    public void AddMessage_TypeWithoutWireForm_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new TransactionBuilder("c").AddMessage(new NoWire()));
    }

    private sealed class NoWire : ITxMessage
    {
        public string TypeName => "test/none";
    }
}
