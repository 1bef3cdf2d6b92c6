using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Parses and formats CometBFT-style listen addresses: <c>tcp://host:port</c> or <c>unix:///path</c>.</summary>
internal static class AbciAddress
{
    private const string TcpScheme = "tcp://";
    private const string UnixScheme = "unix://";

    public static EndPoint Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (address.StartsWith(UnixScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = address[UnixScheme.Length..];
            if (path.Length == 0)
            {
                throw new ArgumentException($"The ABCI address '{address}' has no socket path (expected unix:///path/to/app.sock).", nameof(address));
            }

            return new UnixDomainSocketEndPoint(path);
        }

        // CometBFT also accepts a bare host:port as TCP.
        var hostPort = address.StartsWith(TcpScheme, StringComparison.OrdinalIgnoreCase) ? address[TcpScheme.Length..] : address;
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"The ABCI address '{address}' is not tcp://host:port or unix:///path.", nameof(address));
        }

        var host = hostPort[..colon].Trim('[', ']');
        var ip = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed)
                ? parsed
                : throw new ArgumentException($"The ABCI address '{address}' must use an IP address or 'localhost' (host names are not resolved).", nameof(address));
        return new IPEndPoint(ip, port);
    }

    public static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"tcp://{(ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip.Address}]" : ip.Address.ToString())}:{ip.Port}"),
        UnixDomainSocketEndPoint unix => UnixScheme + unix,
        _ => endPoint.ToString() ?? string.Empty,
    };
}
