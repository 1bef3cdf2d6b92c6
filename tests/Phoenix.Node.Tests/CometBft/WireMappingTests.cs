using Google.Protobuf;
using Phoenix.Node.CometBft;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Protocol.Abci;
using V038 = Phoenix.Node.CometBft.Wire.V038;
using V1 = Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>The byte-level differences between v0.38 and v1.0 (reference §1.7) and the mapping rules.</summary>
public sealed class WireMappingTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly string KeyHex = Convert.ToHexStringLower(Key);
    private static readonly string Ed25519Hex = Convert.ToHexStringLower("ed25519"u8);

    [Theory]
    [InlineData("0a0161", CheckTxKind.New)]
    [InlineData("0a01611001", CheckTxKind.Recheck)] // type = field 2, RECHECK = 1
    public void CheckTxV038_TypeInField2_MapsKind(string hex, CheckTxKind expected) =>
        Assert.Equal(expected, WireV038.ToDomain(V038.RequestCheckTx.Parser.ParseFrom(Convert.FromHexString(hex))).Kind);

    [Theory]
    [InlineData("0a01611802", CheckTxKind.New)] // type = field 3, CHECK_TX_TYPE_CHECK = 2
    [InlineData("0a01611801", CheckTxKind.Recheck)] // CHECK_TX_TYPE_RECHECK = 1
    [InlineData("0a0161", CheckTxKind.New)] // UNKNOWN (absent) is treated as a new transaction
    public void CheckTxV1_TypeInField3_MapsKind(string hex, CheckTxKind expected) =>
        Assert.Equal(expected, WireV1.ToDomain(V1.CheckTxRequest.Parser.ParseFrom(Convert.FromHexString(hex))).Kind);

    [Fact]
    public void CheckTxV038_UnknownType_IsMappingError() =>
        Assert.Throws<AbciMappingException>(() => WireV038.ToDomain(V038.RequestCheckTx.Parser.ParseFrom(Convert.FromHexString("0a01611005"))));

    [Fact]
    public void ValidatorUpdateV038_ToWire_IsPublicKeyMessageInField1()
    {
        var bytes = WireV038.ToWire(new ValidatorUpdate(Key, 7)).ToByteArray();
        // field 1 (PublicKey, 34 bytes) { field 1 ed25519 (32 bytes) }, field 2 power 7
        Assert.Equal("0a220a20" + KeyHex + "1007", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void ValidatorUpdateV1_ToWire_IsKeyBytesInField3AndTypeInField4()
    {
        var bytes = WireV1.ToWire(new ValidatorUpdate(Key, 7)).ToByteArray();
        Assert.Equal("1007" + "1a20" + KeyHex + "2207" + Ed25519Hex, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void ValidatorUpdateV1_FromWire_RoundTrips()
    {
        var wire = V1.ValidatorUpdate.Parser.ParseFrom(Convert.FromHexString("1007" + "1a20" + KeyHex + "2207" + Ed25519Hex));
        var update = WireV1.ToDomain(wire);
        Assert.Equal(Key, update.PublicKey.ToArray());
        Assert.Equal(7, update.Power);
    }

    [Fact]
    public void ValidatorUpdateV1_V038StyleBytes_IsMappingErrorNotSilentlyKeyless()
    {
        var wire = V1.ValidatorUpdate.Parser.ParseFrom(Convert.FromHexString("0a220a20" + KeyHex + "1007"));
        var e = Assert.Throws<AbciMappingException>(() => WireV1.ToDomain(wire));
        Assert.Contains("pub_key_type is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidatorUpdate_Secp256k1_IsMappingError()
    {
        Assert.Throws<AbciMappingException>(() => WireV038.ToDomain(new V038.ValidatorUpdate { PubKey = new V038.PublicKey { Secp256K1 = ByteString.CopyFrom(new byte[33]) }, Power = 1 }));
        Assert.Throws<AbciMappingException>(() => WireV1.ToDomain(new V1.ValidatorUpdate { PubKeyBytes = ByteString.CopyFrom(new byte[33]), PubKeyType = "secp256k1", Power = 1 }));
    }

    [Theory]
    [InlineData(0, 12)]
    [InlineData(40, 40)]
    public void FinalizeBlockV1_SyncingToHeight_DefaultsToHeight(long syncingTo, long expected)
    {
        var request = WireV1.ToDomain(new V1.FinalizeBlockRequest { Height = 12, SyncingToHeight = syncingTo, DecidedLastCommit = new V1.CommitInfo() });
        Assert.Equal(expected, request.SyncingToHeight);
    }

    [Fact]
    public void FinalizeBlockV1_SyncingToHeight_IsField9()
    {
        var request = V1.FinalizeBlockRequest.Parser.ParseFrom(Convert.FromHexString("2805" + "4809")); // height 5, field 9 = 9
        Assert.Equal(9, WireV1.ToDomain(request).SyncingToHeight);
    }

    [Fact]
    public void ConsensusParamsV1_FeatureVoteExtensionsHeight_MapsToAbciParams()
    {
        var wire = new V1.ConsensusParams { Feature = new V1.FeatureParams { VoteExtensionsEnableHeight = 10 } };
        Assert.Equal(10, WireV1.ToDomain(wire).Abci?.VoteExtensionsEnableHeight);
        var back = WireV1.ToWire(new ConsensusParams(Abci: new AbciParams(12)));
        Assert.Equal(12, back.Feature.VoteExtensionsEnableHeight);
    }

    [Fact]
    public void ConsensusParamsV038_RoundTrip_KeepsEveryPart()
    {
        var domain = new ConsensusParams(new BlockParams(1000, -1), new EvidenceParams(100_000, TimeSpan.FromHours(48), 1_048_576), new ValidatorParams(["ed25519"]), new VersionParams(3), new AbciParams(5));
        var back = WireV038.ToDomain(V038.ConsensusParams.Parser.ParseFrom(WireV038.ToWire(domain).ToByteArray()));
        Assert.Equal(domain.Block, back.Block);
        Assert.Equal(domain.Evidence, back.Evidence);
        Assert.Equal(["ed25519"], back.Validator!.PubKeyTypes);
        Assert.Equal(domain.Version, back.Version);
        Assert.Equal(domain.Abci, back.Abci);
    }

    [Fact]
    public void FinalizeBlockResponseV038_ToWire_KeepsResultsInOrder()
    {
        var response = new FinalizeBlockResponse(
            [new AbciEvent("slash", [new EventAttribute("address", "ab", Index: false)])],
            [new ExecTxResult(0, "d0"u8.ToArray(), "ok", "i", 5, 4, [], string.Empty), new ExecTxResult(3, ReadOnlyMemory<byte>.Empty, "bad", string.Empty, 1, 1, [], "bank")],
            [new ValidatorUpdate(Key, 0)],
            null,
            new byte[] { 1, 2, 3 });
        var wire = V038.ResponseFinalizeBlock.Parser.ParseFrom(WireV038.ToWire(response).ToByteArray());
        Assert.Equal([0u, 3u], wire.TxResults.Select(r => r.Code));
        Assert.Equal("bank", wire.TxResults[1].Codespace);
        Assert.Equal(5, wire.TxResults[0].GasWanted);
        Assert.Equal(4, wire.TxResults[0].GasUsed);
        Assert.False(wire.Events[0].Attributes[0].Index);
        Assert.Null(wire.ConsensusParamUpdates);
        Assert.Equal(0, wire.ValidatorUpdates[0].Power);
        Assert.Equal(new byte[] { 1, 2, 3 }, wire.AppHash.ToByteArray());
    }

    [Fact]
    public void Misbehavior_FromWire_KeepsTypeValidatorAndTime()
    {
        var wire = new V1.Misbehavior { Type = V1.MisbehaviorType.DuplicateVote, Height = 4, TotalVotingPower = 90, Time = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 77, Nanos = 9 }, Validator = new V1.Validator { Address = ByteString.CopyFrom(new byte[20]), Power = 30 } };
        var m = WireV1.ToDomain(wire);
        Assert.Equal(MisbehaviorType.DuplicateVote, m.Type);
        Assert.Equal(30, m.Validator.Power);
        Assert.Equal(new Phoenix.Protocol.Primitives.Timestamp(77, 9), m.Time);
        Assert.Equal(90, m.TotalVotingPower);
    }
}
