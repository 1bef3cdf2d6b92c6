using Phoenix.Node.Consensus.Transport;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>The engine's effects: messages to send and timeouts to schedule. The host (a transport-backed node or the simulated network) implements it.</summary>
public interface IConsensusOutbox
{
    /// <summary>Sends a message to every peer.</summary>
    /// <param name="message">The message.</param>
    void Broadcast(ConsensusMessage message);

    /// <summary>Sends a message to one peer.</summary>
    /// <param name="peerId">The peer.</param>
    /// <param name="message">The message.</param>
    void Send(string peerId, ConsensusMessage message);

    /// <summary>Asks for <see cref="TendermintEngine.HandleTimeout"/> to be called after <see cref="TimeoutInfo.Duration"/>.</summary>
    /// <param name="timeout">The timeout.</param>
    void ScheduleTimeout(TimeoutInfo timeout);
}
