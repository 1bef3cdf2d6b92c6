using System.Globalization;

namespace Phoenix.Sdk;

/// <summary>
/// A task cannot be funded: the buyer lacks the SPARK for its escrow and either allowed no purchase or the
/// purchase would burn more PHNX than allowed. Nothing was posted or burned.
/// </summary>
/// <remarks>Not transient: top up SPARK (or PHNX), raise <c>SparkPurchase.MaxPhnx</c>, or post fewer units.</remarks>
public sealed class TaskFundingException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="required">uspark the escrow (and SPARK fees) need.</param>
    /// <param name="available">uspark the buyer holds.</param>
    /// <param name="detail">Why the gap could not be closed.</param>
    public TaskFundingException(UInt128 required, UInt128 available, string detail)
        : base(string.Create(CultureInfo.InvariantCulture, $"The task needs {required} uspark but the buyer holds {available} uspark: {detail}. Top up SPARK or PHNX, allow a larger purchase, or post fewer units."))
    {
        Required = required;
        Available = available;
    }

    /// <summary>uspark needed.</summary>
    public UInt128 Required { get; }

    /// <summary>uspark held.</summary>
    public UInt128 Available { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;
}
