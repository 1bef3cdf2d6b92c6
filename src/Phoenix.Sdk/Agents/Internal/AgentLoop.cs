using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;

namespace Phoenix.Sdk.Agents.Internal;

/// <summary>The hosted loop both agents share: one pass at start, then one after every committed block.</summary>
internal static class AgentLoop
{
    public static async Task RunAsync(PhoenixClient client, string agent, Address address, string kinds, ILogger logger, Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        Log.AgentStarted(logger, agent, address, kinds);
        try
        {
            await RunPassAsync(0).ConfigureAwait(false);
            await foreach (var e in client.SubscribeEventsAsync(new ChainEventFilter { NewBlocks = true }, stoppingToken).ConfigureAwait(false))
            {
                await RunPassAsync(e.Height).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            Log.AgentStopped(logger, agent, address);
        }

        async Task RunPassAsync(long height)
        {
            try
            {
                await pass(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.AgentPassFailed(logger, agent, address, height, e);
            }
        }
    }
}
