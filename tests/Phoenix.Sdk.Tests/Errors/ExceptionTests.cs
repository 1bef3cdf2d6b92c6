using System.Net.Http;
using Grpc.Core;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tests.Errors;

public class ExceptionTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.Unimplemented, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.OutOfRange, false)]
    public void PhoenixRpcException_StatusCode_MapsTransience(StatusCode code, bool transient)
    {
        var inner = new RpcException(new Status(code, "detail text"));
        var e = new PhoenixRpcException(inner);
        Assert.Equal(transient, e.IsTransient);
        Assert.Equal(code, e.StatusCode);
        Assert.Same(inner, e.RpcException);
        Assert.Contains("detail text", e.Message, StringComparison.Ordinal);
        Assert.Contains(transient ? "retry the call" : "Retrying will not help", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PhoenixRpcException_InternalCausedByTransportFailure_IsTransient()
    {
        var transport = new Status(StatusCode.Internal, "Error starting gRPC call", new HttpRequestException("reset", new IOException("broken pipe")));
        Assert.True(new PhoenixRpcException(new RpcException(transport)).IsTransient);
        var serverBug = new Status(StatusCode.Internal, "boom", new InvalidOperationException("server bug"));
        Assert.False(new PhoenixRpcException(new RpcException(serverBug)).IsTransient);
    }

    [Fact]
    public void TransactionRejectedException_CarriesNodeResultAndIsNeverTransient()
    {
        var e = new TransactionRejectedException(5, "bank", "insufficient funds: 10uphnx < 20uphnx", transactionHash: "abcd");
        Assert.Equal(5u, e.Code);
        Assert.Equal("bank", e.Codespace);
        Assert.Equal("insufficient funds: 10uphnx < 20uphnx", e.Log);
        Assert.Equal("abcd", e.TransactionHash);
        Assert.False(e.IsSequenceMismatch);
        Assert.False(e.IsTransient);
        Assert.Contains("insufficient funds", e.Message, StringComparison.Ordinal);
        Assert.Contains("sign a new one", e.Message, StringComparison.Ordinal);

        var mismatch = new TransactionRejectedException(32, "sdk", "wrong sequence", isSequenceMismatch: true);
        Assert.True(mismatch.IsSequenceMismatch);
        Assert.False(mismatch.IsTransient);
        Assert.Contains("Re-read the account sequence", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlobVerificationException_CarriesBothIdsAndIsTransient()
    {
        var expected = Hash32.Sha256("a"u8);
        var actual = Hash32.Sha256("b"u8);
        var e = new BlobVerificationException(expected, actual);
        Assert.Equal(expected, e.Expected);
        Assert.Equal(actual, e.Actual);
        Assert.True(e.IsTransient);
        Assert.Contains(expected.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(actual.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherExceptions_HaveDocumentedTransience()
    {
        Assert.False(new LightClientVerificationException("bad proof").IsTransient);
        Assert.True(new PhoenixTimeoutException(TimeSpan.FromSeconds(1), new Uri("http://127.0.0.1:1")).IsTransient);
        Assert.True(new NoHealthyEndpointException(2).IsTransient);
        Assert.False(new KeystoreDecryptionException().IsTransient);
        Assert.False(new KeystoreFormatException("x").IsTransient);
        Assert.False(new InvalidMnemonicException(MnemonicError.InvalidChecksum).IsTransient);
    }

    [Fact]
    public void AllSdkExceptions_DerivePhoenixExceptionAndAreSealedOrAbstract()
    {
        var types = typeof(PhoenixException).Assembly.GetExportedTypes().Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(types);
        Assert.All(types, t =>
        {
            Assert.True(typeof(PhoenixException).IsAssignableFrom(t), $"{t.Name} must derive from PhoenixException.");
            Assert.True(t.IsSealed || t.IsAbstract, $"{t.Name} must be sealed or abstract.");
        });
    }
}
