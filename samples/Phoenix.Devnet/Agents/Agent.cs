using System.Collections.Concurrent;
using Phoenix.Devnet.Chain;

namespace Phoenix.Devnet.Agents;

/// <summary>One participant of the devnet: after each block it looks at the chain and returns the transactions it sends.</summary>
public abstract class Agent
{
    private protected Agent(string name, DevnetKey key, string chainId, ActivityLog log)
    {
        Name = name;
        Account = new Account(key, chainId);
        Log = log;
    }

    /// <summary>The agent's display name.</summary>
    public string Name { get; }

    /// <summary>The agent's account.</summary>
    public Protocol.Primitives.Address Address => Account.Address;

    /// <summary>Whether the agent has finished its part.</summary>
    public virtual bool IsDone => true;

    private protected Account Account { get; }

    private protected ActivityLog Log { get; }

    /// <summary>Reacts to a committed block.</summary>
    /// <param name="view">The chain after the block.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Signed transactions to broadcast.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<IReadOnlyList<byte[]>> OnBlockAsync(ChainView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Account.Ready(view) ? await ActAsync(view, cancellationToken).ConfigureAwait(false) : [];
    }

    /// <summary>The agent's logic, called when its earlier transactions are on chain.</summary>
    /// <param name="view">The chain after the block.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Signed transactions.</returns>
    private protected abstract Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken);
}

/// <summary>What the agents did, newest last (thread-safe).</summary>
public sealed class ActivityLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every line so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Adds a line.</summary>
    /// <param name="line">What happened.</param>
    public void Write(string line) => _lines.Enqueue(line);

    /// <summary>The last lines.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<string> Tail(int count) => [.. _lines.TakeLast(count)];
}
