using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.CometBft;

/// <summary>
/// Serves an <see cref="IAbciApplication"/> to a CometBFT node over ABCI 2.0: the socket protocol
/// or gRPC, for CometBFT v0.38 or v1.0, as chosen by <see cref="CometBftOptions"/>.
/// </summary>
/// <remarks>
/// <para>
/// All connections share the one application behind one lock, so the application sees one call
/// at a time. Consensus calls that break CometBFT's order (<c>Commit</c> without
/// <c>FinalizeBlock</c>, a second <c>FinalizeBlock</c> before <c>Commit</c>, <c>InitChain</c>
/// after a block) are refused without calling the application.
/// </para>
/// <para>
/// Errors: a malformed or oversized socket frame is answered with <c>Response.exception</c> and
/// the connection is closed; an out-of-order call, an unmappable message or an application
/// exception is answered with <c>Response.exception</c> on an open connection (CometBFT treats any
/// exception as fatal and stops). Over gRPC the same cases are the statuses
/// <c>FailedPrecondition</c>, <c>InvalidArgument</c> and <c>Internal</c>. Ordinary failures (a bad
/// transaction, a missing key) are the application's non-zero result codes.
/// </para>
/// </remarks>
public sealed class CometBftAbciServer : IAsyncDisposable
{
    private readonly CometBftOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly AbciApplicationGate _gate;
    private AbciSocketListener? _socket;
    private WebApplication? _grpc;
    private string? _listenAddress;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="application">The application to serve (any implementation).</param>
    /// <param name="options">Address, transport, version and limits.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public CometBftAbciServer(IAbciApplication application, CometBftOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = new CometBftOptions
        {
            Address = options.Address,
            Transport = options.Transport,
            Version = options.Version,
            MaxFrameBytes = options.MaxFrameBytes,
        };
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<CometBftAbciServer>();
        _gate = new AbciApplicationGate(application);
    }

    /// <summary>
    /// The address actually listened on, in <see cref="CometBftOptions.Address"/> form (with the
    /// real port when port 0 was asked for). Use it as CometBFT's <c>proxy_app</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public string ListenAddress => _listenAddress ?? throw new InvalidOperationException("The ABCI server is not started.");

    /// <summary>Starts listening.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    /// <exception cref="OperationCanceledException">The start was cancelled.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_socket is not null || _grpc is not null)
        {
            throw new InvalidOperationException("The ABCI server is already started.");
        }

        var endPoint = AbciAddress.Parse(_options.Address);
        if (_options.Transport == AbciTransport.Socket)
        {
            var listener = new AbciSocketListener(endPoint, CreateFrameHandler(), _options.MaxFrameBytes, _logger);
            listener.Start();
            _socket = listener;
            _listenAddress = AbciAddress.Format(listener.LocalEndPoint);
        }
        else
        {
            _grpc = BuildGrpcHost(endPoint);
            await _grpc.StartAsync(cancellationToken).ConfigureAwait(false);
            _listenAddress = endPoint is IPEndPoint ip
                ? AbciAddress.Format(new IPEndPoint(ip.Address, BoundPort(_grpc)))
                : AbciAddress.Format(endPoint);
        }

        CometBftLog.Started(_logger, _options.Transport, _options.Version, _listenAddress);
    }

    /// <summary>Stops listening and closes every connection at once. The application is not disposed.</summary>
    /// <param name="cancellationToken">Not used for waiting: open connections are aborted without a drain.</param>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_socket is { } socket)
        {
            _socket = null;
            await socket.DisposeAsync().ConfigureAwait(false);
        }

        if (_grpc is { } grpc)
        {
            _grpc = null;
            // CometBFT holds its connections open forever, so a graceful drain would only wait:
            // stop accepting and abort open connections at once (CometBFT reconnects on restart).
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await abort.CancelAsync().ConfigureAwait(false);
            await grpc.StopAsync(abort.Token).ConfigureAwait(false);
            await grpc.DisposeAsync().ConfigureAwait(false);
        }

        if (_listenAddress is { } address)
        {
            CometBftLog.Stopped(_logger, address);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static void Validate(CometBftOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        if (!Enum.IsDefined(options.Transport))
        {
            errors.Add(new ValidationResult($"Transport {(int)options.Transport} is not a known transport."));
        }

        if (!Enum.IsDefined(options.Version))
        {
            errors.Add(new ValidationResult($"Version {(int)options.Version} is not a known ABCI protocol version."));
        }

        if (errors.Count == 0)
        {
            try
            {
                AbciAddress.Parse(options.Address);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ValidationResult(e.Message));
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid CometBFT options: " + string.Join(" ", errors.Select(e => e.ErrorMessage)), nameof(options));
        }
    }

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Select(a => new Uri(a).Port).First();
    }

    private IAbciFrameHandler CreateFrameHandler() => _options.Version == AbciProtocolVersion.V1_0
        ? AbciFrameHandler.ForV1(new AbciDispatcherV1(_gate), _logger)
        : AbciFrameHandler.ForV038(new AbciDispatcherV038(_gate), _logger);

    private WebApplication BuildGrpcHost(EndPoint endPoint)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = _options.MaxFrameBytes;
            void Http2(ListenOptions o) => o.Protocols = HttpProtocols.Http2;
            switch (endPoint)
            {
                case UnixDomainSocketEndPoint unix:
                    kestrel.ListenUnixSocket(unix.ToString()!, Http2);
                    break;
                case IPEndPoint ip:
                    kestrel.Listen(ip, Http2);
                    break;
                default:
                    throw new ArgumentException($"Unsupported ABCI endpoint {endPoint}.", nameof(endPoint));
            }
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRouting();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = _options.MaxFrameBytes;
            o.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(_gate);
        builder.Services.AddSingleton<AbciDispatcherV038>();
        builder.Services.AddSingleton<AbciDispatcherV1>();
        var app = builder.Build();
        app.UseRouting();
        if (_options.Version == AbciProtocolVersion.V1_0)
        {
            app.MapGrpcService<AbciGrpcServiceV1>();
        }
        else
        {
            app.MapGrpcService<AbciGrpcServiceV038>();
        }

        return app;
    }
}
