using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.CometBft;

/// <summary>
/// Runs a <see cref="CometBftAbciServer"/> for the registered <see cref="IAbciApplication"/> as a
/// hosted service (registered by <c>AddCometBftAbciServer</c>).
/// </summary>
public sealed class CometBftAbciHostedService : IHostedService, IAsyncDisposable
{
    private readonly CometBftAbciServer _server;

    /// <summary>Creates the service.</summary>
    /// <param name="application">The application CometBFT drives.</param>
    /// <param name="options">The front end's options.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public CometBftAbciHostedService(IAbciApplication application, IOptions<CometBftOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _server = new CometBftAbciServer(application, options.Value, loggerFactory);
    }

    /// <summary>The address listened on; see <see cref="CometBftAbciServer.ListenAddress"/>.</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public string ListenAddress => _server.ListenAddress;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
