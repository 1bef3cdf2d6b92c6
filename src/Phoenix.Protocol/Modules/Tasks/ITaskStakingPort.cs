using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>
/// What the task market needs from staking: who is bonded and with how much, locking attestation
/// stake until its units end, and slashing locked stake to a winner. The staking module implements it;
/// until it is wired, tests use an in-state stand-in.
/// </summary>
/// <remarks>
/// Consensus-critical: every call must be deterministic and read or write only through
/// <see cref="ModuleContext.State"/> (so a failed transaction rolls back what it did). Amounts are uphnx.
/// </remarks>
public interface ITaskStakingPort
{
    /// <summary>Whether <paramref name="address"/> is a bonded validator (may attest and sit on a re-execution committee).</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The account.</param>
    /// <returns>Whether it is bonded.</returns>
    bool IsBondedValidator(ModuleContext context, Address address);

    /// <summary>The account's bonded stake (its dispute-vote and committee weight); zero when not bonded.</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The account.</param>
    /// <returns>The bonded stake.</returns>
    UInt128 BondedStake(ModuleContext context, Address address);

    /// <summary>The total bonded stake of all stakers (the denominator of dispute quorums).</summary>
    /// <param name="context">The context.</param>
    /// <returns>The total.</returns>
    UInt128 TotalBondedStake(ModuleContext context);

    /// <summary>Bonded stake not yet locked by attestations.</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The account.</param>
    /// <returns>The available stake.</returns>
    UInt128 AvailableStake(ModuleContext context, Address address);

    /// <summary>Locks stake behind an attestation (it cannot unbond while locked).</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The attester.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success, or a failure when less is available.</returns>
    TxResult Lock(ModuleContext context, Address address, UInt128 amount);

    /// <summary>Releases locked stake.</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The attester.</param>
    /// <param name="amount">The amount (at most what is locked).</param>
    void Unlock(ModuleContext context, Address address, UInt128 amount);

    /// <summary>Slashes locked stake: it leaves the attester's bond and is paid, in PHNX, to <paramref name="recipient"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="address">The attester.</param>
    /// <param name="amount">The amount (at most what is locked).</param>
    /// <param name="recipient">Who receives the slashed PHNX.</param>
    void SlashLocked(ModuleContext context, Address address, UInt128 amount, Address recipient);
}

/// <summary>What the task market needs from the oracle: the PHNX/USD price, when valid and fresh.</summary>
public interface ITaskPricePort
{
    /// <summary>The current on-chain PHNX price in micro-USD per PHNX.</summary>
    /// <param name="context">The context (its block time decides staleness).</param>
    /// <param name="microUsdPerPhnx">The price when valid.</param>
    /// <returns>False when there is no price or it is stale.</returns>
    bool TryGetPrice(ModuleContext context, out ulong microUsdPerPhnx);
}
