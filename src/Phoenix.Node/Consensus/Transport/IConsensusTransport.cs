namespace Phoenix.Node.Consensus.Transport;

/// <summary>Receives encoded consensus messages from a transport (called from transport threads).</summary>
/// <param name="peerId">The sender.</param>
/// <param name="envelope">The encoded <c>ConsensusEnvelope</c>, not yet size-checked by the engine.</param>
public delegate void ConsensusMessageReceived(string peerId, byte[] envelope);

/// <summary>
/// Moves encoded consensus messages between validators. Implementations: <see cref="GrpcPeerTransport"/> (gRPC
/// bidirectional streams) and the in-process simulated network (which drives engines directly).
/// </summary>
public interface IConsensusTransport : IAsyncDisposable
{
    /// <summary>This node's peer id.</summary>
    string LocalPeerId { get; }

    /// <summary>Starts listening and dialing; incoming messages go to <paramref name="onMessage"/>.</summary>
    /// <param name="onMessage">The receiver.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once the transport listens.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task StartAsync(ConsensusMessageReceived onMessage, CancellationToken cancellationToken = default);

    /// <summary>Queues a message for every connected peer (never blocks; a slow peer loses its oldest messages).</summary>
    /// <param name="envelope">The encoded message.</param>
    void Broadcast(byte[] envelope);

    /// <summary>Queues a message for one peer.</summary>
    /// <param name="peerId">The peer.</param>
    /// <param name="envelope">The encoded message.</param>
    void Send(string peerId, byte[] envelope);
}
