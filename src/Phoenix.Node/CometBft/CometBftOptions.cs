using System.ComponentModel.DataAnnotations;

namespace Phoenix.Node.CometBft;

/// <summary>Local settings of the CometBFT front end (not protocol parameters).</summary>
public sealed class CometBftOptions
{
    /// <summary>The default listen address, CometBFT's default <c>proxy_app</c>.</summary>
    public const string DefaultAddress = "tcp://127.0.0.1:26658";

    /// <summary>The default maximum socket frame size: 128 MiB, above CometBFT's 100 MiB block hard cap.</summary>
    public const int DefaultMaxFrameBytes = 128 * 1024 * 1024;

    /// <summary>
    /// Where to listen: <c>tcp://ip:port</c> (an IP address or <c>localhost</c>; port 0 picks a free
    /// port) or <c>unix:///path/to/app.sock</c>. Must match CometBFT's <c>proxy_app</c>.
    /// </summary>
    /// <value>The default value is <c>tcp://127.0.0.1:26658</c>.</value>
    [Required]
    public string Address { get; set; } = DefaultAddress;

    /// <summary>The transport; must match CometBFT's <c>abci</c> setting.</summary>
    /// <value>The default value is <see cref="AbciTransport.Socket"/>.</value>
    public AbciTransport Transport { get; set; } = AbciTransport.Socket;

    /// <summary>The CometBFT release line whose wire format to speak.</summary>
    /// <value>The default value is <see cref="AbciProtocolVersion.V0_38"/>.</value>
    public AbciProtocolVersion Version { get; set; } = AbciProtocolVersion.V0_38;

    /// <summary>
    /// The largest socket frame accepted (bytes, length prefix excluded). A larger frame gets a
    /// <c>Response.exception</c> and the connection is closed. Must exceed the chain's
    /// <c>block.max_bytes</c>, because <c>FinalizeBlock</c> carries the whole block.
    /// For gRPC the same limit is the maximum receive message size.
    /// </summary>
    /// <value>The default value is 134,217,728 (128 MiB).</value>
    [Range(1024, int.MaxValue)]
    public int MaxFrameBytes { get; set; } = DefaultMaxFrameBytes;
}
