using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>
/// A query result or header from a node failed light-client verification (a bad Merkle proof, a header
/// signed by less than 2/3 of the trusted voting power, an app hash that does not match).
/// </summary>
/// <remarks>Not transient: the node returned provably wrong data. Query another node.</remarks>
public sealed class LightClientVerificationException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What did not verify (for example "proof root does not match the app hash at height 42").</param>
    public LightClientVerificationException(string reason)
        : base(ExceptionMessages.LightClient(reason))
    {
        Reason = reason;
    }

    /// <summary>What did not verify.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;
}
