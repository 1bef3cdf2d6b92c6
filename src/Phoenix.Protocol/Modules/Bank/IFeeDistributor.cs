using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Modules.Bank;

/// <summary>
/// The fee distribution hook: transaction fees collect in the <see cref="BankModule.FeePool"/>
/// module account, and at each end-block the bank hands the pool's balances to this hook, which
/// pays stakers (the distribution module implements it) by moving funds out of the pool with
/// <see cref="BankModule.SendFromModule"/> from <see cref="BankModule.FeePoolAccount"/>.
/// Whatever it leaves stays in the pool for the next block. It must be deterministic.
/// </summary>
public interface IFeeDistributor
{
    /// <summary>Distributes collected fees.</summary>
    /// <param name="context">The end-block context.</param>
    /// <param name="collected">The fee pool's non-zero balances.</param>
    void Distribute(ModuleContext context, IReadOnlyList<Amount> collected);
}
