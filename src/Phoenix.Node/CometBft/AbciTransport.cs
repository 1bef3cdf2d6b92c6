namespace Phoenix.Node.CometBft;

/// <summary>How CometBFT reaches the application (CometBFT's <c>abci</c> setting in <c>config.toml</c>).</summary>
public enum AbciTransport
{
    /// <summary>
    /// CometBFT's length-prefixed socket protocol over TCP or a unix socket (<c>abci = "socket"</c>,
    /// the default and the faster of the two).
    /// </summary>
    Socket = 0,

    /// <summary>The ABCI gRPC service over HTTP/2 without TLS (<c>abci = "grpc"</c>).</summary>
    Grpc = 1,
}
