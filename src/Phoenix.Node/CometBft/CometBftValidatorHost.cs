using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules;

namespace Phoenix.Node.CometBft;

/// <summary>
/// Runs the Phoenix application for a CometBFT node: <see cref="PhoenixApplication"/> with the standard modules over durable
/// RocksDB state, served over ABCI by a <see cref="CometBftAbciServer"/>. This is what
/// <c>Phoenix.Validator start --consensus cometbft --abci tcp://127.0.0.1:26658</c> runs.
/// </summary>
/// <remarks>
/// <para>Start it before CometBFT (CometBFT connects once at start). After a restart on the same data directory,
/// <c>Info</c> reports the last committed height and app hash, so CometBFT's handshake replays only what is missing.</para>
/// <para>The chain itself (chain id, genesis accounts, validators) comes from CometBFT's genesis file: its
/// <c>app_state</c> is Phoenix's genesis document, handed over in <c>InitChain</c>.</para>
/// </remarks>
/// <example>
/// <code>
/// using var stop = new CancellationTokenSource();
/// Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
/// await CometBftValidatorHost.RunAsync(new CometBftHostOptions
/// {
///     DataDirectory = "/var/lib/phoenix",
///     Abci = { Address = "tcp://127.0.0.1:26658", Transport = AbciTransport.Socket, Version = AbciProtocolVersion.V0_38 },
/// }, loggerFactory: null, stop.Token);
/// </code>
/// </example>
public sealed class CometBftValidatorHost : IAsyncDisposable
{
    private readonly RocksDbKeyValueStore _store;
    private readonly CometBftAbciServer _server;
    private bool _disposed;

    private CometBftValidatorHost(RocksDbKeyValueStore store, PhoenixApplication application, CometBftAbciServer server)
    {
        _store = store;
        Application = application;
        _server = server;
    }

    /// <summary>The application being served (calls from outside must not race CometBFT's; use it for inspection after stopping).</summary>
    public PhoenixApplication Application { get; }

    /// <summary>The address CometBFT must use as <c>proxy_app</c> (with the real port when port 0 was asked for).</summary>
    public string ListenAddress => _server.ListenAddress;

    /// <summary>Opens the state, builds the application and starts the ABCI server.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Logging, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host; dispose it to stop serving and close the state.</returns>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    /// <exception cref="StoreCorruptedException">The state directory holds damaged data.</exception>
    /// <exception cref="IOException">The state is in use by another process.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The ABCI address cannot be bound.</exception>
    /// <exception cref="OperationCanceledException">The start was cancelled.</exception>
    public static async Task<CometBftValidatorHost> StartAsync(CometBftHostOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var store = RocksDbKeyValueStore.Open(Path.Combine(options.DataDirectory, "state"), new RocksDbStoreOptions { Kind = "state" }, loggerFactory.CreateLogger<RocksDbKeyValueStore>());
        try
        {
            var builder = new PhoenixApplicationBuilder().AddStandardModules().UseStore(store).UseSnapshots(options.Snapshots);
            if (options.PriceFeed is not null)
            {
                builder.UsePriceFeed(options.PriceFeed);
            }

            var application = builder.Build();
            var server = new CometBftAbciServer(application, options.Abci, loggerFactory);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return new CometBftValidatorHost(store, application, server);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Runs the host until <paramref name="cancellationToken"/> is cancelled, then stops it cleanly.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Logging, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the host (a normal shutdown, not an error).</param>
    /// <returns>A task that completes after the host stopped.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="StoreCorruptedException">The state directory holds damaged data.</exception>
    /// <exception cref="IOException">The state is in use by another process.</exception>
    public static async Task RunAsync(CometBftHostOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var host = await StartAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Stops the ABCI server, then flushes and closes the state.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _server.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
    }

    private static void Validate(CometBftHostOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("DataDirectory is required.");
        }

        if (options.Abci is null)
        {
            errors.Add("Abci is required.");
        }

        if (options.Snapshots is null)
        {
            errors.Add("Snapshots is required.");
        }
        else
        {
            try
            {
                options.Snapshots.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid CometBFT host options: " + string.Join(" ", errors), nameof(options));
        }
    }
}
