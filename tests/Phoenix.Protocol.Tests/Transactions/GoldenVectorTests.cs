using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;
using Snapshooter.Xunit;

namespace Phoenix.Protocol.Tests.Transactions;

public class GoldenVectorTests
{
    [Fact]
    public void Encoding_EachMessageTypeAndEnvelope_MatchesGoldenBytes()
    {
        var send = new SendMessage(TestKeys.Bob.Address, [new Amount(1_500_000, Denom.Phnx), new Amount(25, Denom.Spark)]);
        var tx = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(1_500_000, Denom.Phnx).Amount(25, Denom.Spark)
            .Fee(2_000, Denom.Spark).Sequence(7).Memo("golden").TimeoutHeight(100).Signed();
        var raw = TxRaw.Parser.ParseFrom(tx);
        var vectors = new
        {
            alice_public_key = TestKeys.Alice.PublicKey.ToString(),
            alice_address = TestKeys.Alice.Address.ToString(),
            bob_address = TestKeys.Bob.Address.ToString(),
            msg_send = Convert.ToHexStringLower(send.ToWire().ToByteArray()),
            tx_body = Convert.ToHexStringLower(raw.BodyBytes.ToByteArray()),
            auth_info = Convert.ToHexStringLower(raw.AuthInfoBytes.ToByteArray()),
            sign_bytes = Convert.ToHexStringLower(TxEncoding.SignBytes(raw.BodyBytes.Span, raw.AuthInfoBytes.Span)),
            tx_raw = Convert.ToHexStringLower(tx),
            tx_hash = Hash32.Sha256(tx).ToString(),
        };
        CommittedSnapshot.Require(typeof(GoldenVectorTests));
        Snapshot.Match(vectors);

        // The pinned bytes decode back to the same transaction (the vectors stay meaningful).
        var decoded = new PhoenixApplicationBuilder().Build().Decoder.Decode(Convert.FromHexString(vectors.tx_raw));
        Assert.True(decoded.IsOk, decoded.Log);
        Assert.Equal(send, decoded.Transaction!.Messages[0] as SendMessage, new SendComparer());
    }

    [Fact]
    public void Genesis_StandardAllocation_MatchesSnapshot()
    {
        var genesis = new Phoenix.Protocol.Genesis.GenesisBuilder("phoenix-1", TestChain.GenesisTime)
            .WithStandardAllocation(TestKeys.Alice.Address, TestKeys.Bob.Address, TestKeys.Carol.Address, TestKeys.Dave.Address)
            .AddValidator(TestKeys.Of("validator", 0x10).PublicKey, TestKeys.Alice.Address, "CH", 10)
            .Build();
        CommittedSnapshot.Require(typeof(GoldenVectorTests));
        Snapshot.Match(JsonNode.Parse(genesis.ToJson())!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private sealed class SendComparer : IEqualityComparer<SendMessage?>
    {
        public bool Equals(SendMessage? x, SendMessage? y) => x is not null && y is not null && x.To == y.To && x.Amounts.SequenceEqual(y.Amounts);

        public int GetHashCode(SendMessage? obj) => 0;
    }
}
