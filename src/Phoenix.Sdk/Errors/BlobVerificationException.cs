using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>
/// A blob downloaded from a node does not hash to the content id it was requested by. The bytes are
/// discarded, never returned.
/// </summary>
/// <remarks>Transient: another node (or another try) may serve the right bytes.</remarks>
public sealed class BlobVerificationException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expected">The content id that was requested.</param>
    /// <param name="actual">The SHA-256 of the bytes that arrived.</param>
    public BlobVerificationException(Hash32 expected, Hash32 actual)
        : base(ExceptionMessages.BlobMismatch(expected.ToString(), actual.ToString()))
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The content id that was requested.</summary>
    public Hash32 Expected { get; }

    /// <summary>The hash of the bytes that arrived.</summary>
    public Hash32 Actual { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="true"/>.</value>
    public override bool IsTransient => true;
}
