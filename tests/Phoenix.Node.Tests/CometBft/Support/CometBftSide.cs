using System.Net.Sockets;
using Phoenix.Node.CometBft;

namespace Phoenix.Node.Tests.CometBft.Support;

/// <summary>The four connections CometBFT opens to the application.</summary>
internal enum AbciConnection
{
    Consensus,
    Mempool,
    Query,
    Snapshot,
}

internal sealed record FinalizeResult(byte[] AppHash, uint[] Codes, (byte[] Key, long Power)[] ValidatorUpdates, string[] BlockEventTypes, long? MaxGasUpdate);

internal sealed record QueryResult(uint Code, byte[] Value, long Height, (string Type, byte[] Key, byte[] Data)[] Proof);

internal sealed record SnapshotInfo(ulong Height, uint Format, uint Chunks, byte[] Hash, byte[] Metadata);

/// <summary>The server answered with an error: <c>Response.exception</c> on a socket, a non-OK status over gRPC.</summary>
internal sealed class AbciErrorException(string message, Grpc.Core.StatusCode? status = null) : Exception(message)
{
    public Grpc.Core.StatusCode? Status { get; } = status;
}

/// <summary>
/// CometBFT's side of ABCI, as a test drives it: every call goes on the connection CometBFT uses
/// for it; version- and transport-specific implementations speak the real wire protocol.
/// </summary>
internal interface ICometBftSide : IAsyncDisposable
{
    Task<string> EchoAsync(string message);

    Task<(long Height, byte[] AppHash)> InfoAsync();

    Task<byte[]> InitChainAsync(string chainId, string appState, IReadOnlyList<(byte[] Key, long Power)> validators);

    Task<(uint Code, string Info)> CheckTxAsync(byte[] tx, bool recheck);

    Task<byte[][]> PrepareProposalAsync(long height, byte[][] txs, long maxTxBytes, Phoenix.Protocol.Abci.ExtendedCommitInfo? localLastCommit = null);

    Task<bool> ProcessProposalAsync(long height, byte[][] txs, byte[] hash, Phoenix.Protocol.Abci.CommitInfo? proposedLastCommit = null);

    Task<byte[]> ExtendVoteAsync(long height, byte[] hash);

    Task<bool> VerifyVoteExtensionAsync(long height, byte[] hash, byte[] validatorAddress, byte[] extension);

    Task<FinalizeResult> FinalizeBlockAsync(long height, byte[][] txs, byte[] hash, byte[]? misbehaverAddress = null, Phoenix.Protocol.Abci.CommitInfo? decidedLastCommit = null);

    Task<long> CommitAsync();

    Task<QueryResult> QueryAsync(string key, bool prove);

    Task<SnapshotInfo[]> ListSnapshotsAsync();

    Task<int> OfferSnapshotAsync(SnapshotInfo snapshot, byte[] appHash);

    Task<byte[]> LoadSnapshotChunkAsync(ulong height, uint format, uint chunk);

    Task<int> ApplySnapshotChunkAsync(uint index, byte[] chunk, string sender);
}

internal static class CometBftSide
{
    public static async Task<ICometBftSide> ConnectAsync(string address, AbciTransport transport, AbciProtocolVersion version)
    {
        if (transport == AbciTransport.Socket)
        {
            var connections = new Dictionary<AbciConnection, AbciSocketTestClient>();
            foreach (var c in Enum.GetValues<AbciConnection>())
            {
                connections[c] = await AbciSocketTestClient.ConnectAsync(address);
            }

            return version == AbciProtocolVersion.V1_0
                ? new CometBftSideV1(new SocketTransportV1(connections))
                : new CometBftSideV038(new SocketTransportV038(connections));
        }

        return version == AbciProtocolVersion.V1_0
            ? new CometBftSideV1(new GrpcTransportV1(address))
            : new CometBftSideV038(new GrpcTransportV038(address));
    }
}
