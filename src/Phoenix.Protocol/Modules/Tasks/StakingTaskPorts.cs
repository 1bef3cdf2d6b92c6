using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>
/// The production <see cref="ITaskStakingPort"/>: bonded status and vote weight come from the staking
/// module; attestation and challenge stakes are liquid PHNX locked in the staking module's locked pool
/// under the purpose <c>tasks</c>, released when the unit ends or slashed to the winning side.
/// </summary>
public sealed class StakingTaskStakingPort : ITaskStakingPort
{
    private const string Purpose = "tasks";

    /// <inheritdoc />
    public bool IsBondedValidator(ModuleContext context, Address address)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StakingModule.IsBonded(context.State, address);
    }

    /// <inheritdoc />
    public UInt128 BondedStake(ModuleContext context, Address address)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StakingModule.BondedStake(context.State, address);
    }

    /// <inheritdoc />
    public UInt128 TotalBondedStake(ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StakingModule.TotalBonded(context.State);
    }

    /// <inheritdoc />
    public UInt128 AvailableStake(ModuleContext context, Address address)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Bank.BankModule.GetBalance(context.State, address, Denom.Phnx).Value;
    }

    /// <inheritdoc />
    public TxResult Lock(ModuleContext context, Address address, UInt128 amount) => StakingModule.Lock(context, address, amount, Purpose);

    /// <inheritdoc />
    public void Unlock(ModuleContext context, Address address, UInt128 amount)
        => EnsureOk(StakingModule.Unlock(context, address, amount, Purpose));

    /// <inheritdoc />
    public void SlashLocked(ModuleContext context, Address address, UInt128 amount, Address recipient)
        => EnsureOk(StakingModule.SlashLocked(context, address, amount, Purpose, recipient));

    private static void EnsureOk(TxResult result)
    {
        if (!result.IsOk)
        {
            // The market only releases what it locked; a failure here is a broken invariant, not bad input.
            throw new InvalidOperationException($"Stake release failed: {result.Log}");
        }
    }
}

/// <summary>The production <see cref="ITaskPricePort"/>: the oracle's stake-weighted median, valid only with coverage and freshness.</summary>
public sealed class OracleTaskPricePort : ITaskPricePort
{
    /// <inheritdoc />
    public bool TryGetPrice(ModuleContext context, out ulong microUsdPerPhnx)
    {
        ArgumentNullException.ThrowIfNull(context);
        var price = OracleModule.GetPrice(context.State, context.Time, context.Parameters);
        microUsdPerPhnx = price.IsValid ? price.PriceMicroUsd : 0;
        return price.IsValid;
    }
}
