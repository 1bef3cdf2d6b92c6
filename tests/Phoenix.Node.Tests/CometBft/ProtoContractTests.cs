using Google.Protobuf.Reflection;
using V038 = Phoenix.Node.CometBft.Wire.V038;
using V1 = Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>The compiled protos keep CometBFT's names and numbers (reference §1.3–1.7).</summary>
public sealed class ProtoContractTests
{
    private static readonly (string Name, int Number)[] RequestFields =
    [
        ("echo", 1), ("flush", 2), ("info", 3), ("init_chain", 5), ("query", 6), ("check_tx", 8), ("commit", 11),
        ("list_snapshots", 12), ("offer_snapshot", 13), ("load_snapshot_chunk", 14), ("apply_snapshot_chunk", 15),
        ("prepare_proposal", 16), ("process_proposal", 17), ("extend_vote", 18), ("verify_vote_extension", 19), ("finalize_block", 20),
    ];

    private static readonly (string Name, int Number)[] ResponseFields =
    [
        ("exception", 1), ("echo", 2), ("flush", 3), ("info", 4), ("init_chain", 6), ("query", 7), ("check_tx", 9), ("commit", 12),
        ("list_snapshots", 13), ("offer_snapshot", 14), ("load_snapshot_chunk", 15), ("apply_snapshot_chunk", 16),
        ("prepare_proposal", 17), ("process_proposal", 18), ("extend_vote", 19), ("verify_vote_extension", 20), ("finalize_block", 21),
    ];

    public static TheoryData<string> Versions() => new() { "v0.38", "v1.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestAndResponseOneofs_UseCometBftFieldNumbers(string version)
    {
        var (request, response) = version == "v1.0" ? (V1.Request.Descriptor, V1.Response.Descriptor) : (V038.Request.Descriptor, V038.Response.Descriptor);
        Assert.Equal(RequestFields, request.Fields.InFieldNumberOrder().Select(f => (f.Name, f.FieldNumber)));
        Assert.Equal(ResponseFields, response.Fields.InFieldNumberOrder().Select(f => (f.Name, f.FieldNumber)));
    }

    [Fact]
    public void Services_HaveCometBftFullNamesAndAllSixteenMethods()
    {
        ServiceDescriptor v038 = V038.TypesReflection.Descriptor.Services.Single();
        ServiceDescriptor v1 = V1.ServiceReflection.Descriptor.Services.Single();
        Assert.Equal("tendermint.abci.ABCI", v038.FullName);
        Assert.Equal("cometbft.abci.v1.ABCIService", v1.FullName);
        var methods = RequestFields.Select(f => string.Concat(f.Name.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]))).Order(StringComparer.Ordinal);
        Assert.Equal(methods, v038.Methods.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(methods, v1.Methods.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal("cometbft.abci.v1.FinalizeBlockRequest", v1.FindMethodByName("FinalizeBlock").InputType.FullName);
        Assert.Equal("tendermint.abci.RequestFinalizeBlock", v038.FindMethodByName("FinalizeBlock").InputType.FullName);
    }

    [Fact]
    public void V1Differences_AreOnTheWire()
    {
        Assert.Equal(3, V1.CheckTxRequest.Descriptor.FindFieldByName("type").FieldNumber);
        Assert.Equal(2, V038.RequestCheckTx.Descriptor.FindFieldByName("type").FieldNumber);
        Assert.Null(V1.ValidatorUpdate.Descriptor.FindFieldByNumber(1));
        Assert.Equal(3, V1.ValidatorUpdate.Descriptor.FindFieldByName("pub_key_bytes").FieldNumber);
        Assert.Equal(4, V1.ValidatorUpdate.Descriptor.FindFieldByName("pub_key_type").FieldNumber);
        Assert.Equal(9, V1.FinalizeBlockRequest.Descriptor.FindFieldByName("syncing_to_height").FieldNumber);
        Assert.Equal(3, V038.ResponseCommit.Descriptor.FindFieldByName("retain_height").FieldNumber);
        Assert.Equal(7, V1.ConsensusParams.Descriptor.FindFieldByName("feature").FieldNumber);
    }
}
