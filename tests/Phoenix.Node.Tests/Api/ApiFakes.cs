using Phoenix.Node.Api;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Api;

internal sealed class FakeNodeStatus : INodeStatus
{
    public NodeStatus Status { get; set; } = new(
        "phoenix-test-1", "node-a", "0.1.0", 1, 7, Hash32.Sha256("block 7"u8), new byte[] { 0xAA, 0xBB }, new Timestamp(1_700_000_000, 5), false, 3, new byte[] { 1, 2, 3 }, 10);

    public NodeStatus GetStatus() => Status;
}

internal sealed class FakeBlockReader : IBlockReader
{
    public Dictionary<long, ApiBlock> Blocks { get; } = [];

    public long LatestHeight => Blocks.Count == 0 ? 0 : Blocks.Keys.Max();

    public ApiBlock? GetBlock(long height) => Blocks.GetValueOrDefault(height);

    public static ApiBlock Make(long height, params byte[][] txs)
        => new(height, Hash32.Sha256(BitConverter.GetBytes(height)), new Timestamp(1_700_000_000 + height, 0), new byte[] { 9, 9 }, new byte[] { (byte)height }, Hash32.Sha256(BitConverter.GetBytes(height - 1)), txs.Select(t => (ReadOnlyMemory<byte>)t).ToArray(), new byte[] { 0xCA, 0xFE, (byte)height });
}

internal sealed class FakeStateQuery : IStateQuery
{
    public QueryRequest? Last { get; private set; }

    public QueryResponse Query(QueryRequest request)
    {
        Last = request;
        var proof = request.Prove ? new[] { new ProofOp("phx:smt", request.Data, new byte[] { 7, 7, 7 }) } : [];
        return request.Path == "/missing"
            ? new QueryResponse(6, "not found", "", 0, request.Data, default, [], 12, "store")
            : new QueryResponse(0, "", "", 0, request.Data, System.Text.Encoding.UTF8.GetBytes("value@" + request.Path), proof, 12, "");
    }
}

/// <summary>Wraps a hub and signals each subscription, so a test can publish only once the server listens.</summary>
internal sealed class SignallingChainEvents(ChainEventHub hub) : IChainEvents
{
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Subscribed => _subscribed.Task;

    public ChainSubscription Subscribe()
    {
        var subscription = hub.Subscribe();
        _subscribed.TrySetResult();
        return subscription;
    }

    public void Reset() => _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
}
