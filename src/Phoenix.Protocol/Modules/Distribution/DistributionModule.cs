using System.Buffers.Binary;
using System.Numerics;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Distribution;

/// <summary>A share of collected fees routed to a module account before stakers are paid (the task market adds the buy-back route).</summary>
/// <param name="ModuleAccount">The receiving module account.</param>
/// <param name="Share">The share of each collected amount (rounded down).</param>
public sealed record FeeRoute(string ModuleAccount, Ratio Share);

/// <summary>Pays the signer's accrued staking rewards from one validator, and the validator's commission if the signer is its operator (wire: <c>MsgWithdrawRewards</c>, type id 80).</summary>
/// <param name="Validator">The validator's operator address.</param>
public sealed record WithdrawRewardsMessage(Address Validator) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "distribution/withdraw_rewards";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { WithdrawRewards = new MsgWithdrawRewards { Validator = Validator.ToString() } };

    internal static bool TryConvert(Message wire, out WithdrawRewardsMessage? message, out string error)
    {
        message = null;
        if (!ModuleWire.TryAddress(wire.WithdrawRewards.Validator, out var v))
        {
            error = "validator must be a phx address.";
            return false;
        }

        message = new WithdrawRewardsMessage(v);
        error = string.Empty;
        return true;
    }
}

/// <summary>
/// Fee distribution to stakers (DESIGN §4). At every end-block the bank hands the fee pool to this module
/// (<see cref="IFeeDistributor"/>): first each <see cref="FeeRoute"/> takes its share; the rest goes to the
/// validators of the consensus set pro rata to their bonded tokens (rounded down; dust stays in the fee
/// pool for the next block). Each validator's share pays its commission to the operator, and the remainder
/// accrues to its delegators per share (a reward-per-share accumulator scaled by 10^18), withdrawable with
/// <see cref="WithdrawRewardsMessage"/>. Staking settles a delegation's rewards before its shares change.
/// </summary>
/// <remarks>
/// State (under <c>distribution/</c>): <c>a+validator+denom</c> accumulated reward per share × 10^18,
/// <c>s+validator+delegator+denom</c> the accumulator at the delegation's last settlement,
/// <c>p+validator+delegator+denom</c> settled but unpaid rewards, <c>c+validator+denom</c> unpaid commission.
/// Funds sit in <see cref="RewardsAccount"/>; the invariant checks it covers everything owed.
/// </remarks>
public sealed class DistributionModule : PhoenixModule, IFeeDistributor
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "distribution";

    /// <summary>Module account holding undistributed rewards.</summary>
    public const string RewardsAccount = "distribution_rewards";

    private static readonly BigInteger Scale = BigInteger.Pow(10, 18);
    private readonly IReadOnlyList<FeeRoute> _routes;

    /// <summary>Creates the module.</summary>
    /// <param name="routes">Fee routes taken before stakers are paid (empty by default).</param>
    public DistributionModule(IReadOnlyList<FeeRoute>? routes = null) => _routes = routes ?? [];

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<WithdrawRewardsMessage>(Message.SumOneofCase.WithdrawRewards, WithdrawRewardsMessage.Type, WithdrawRewardsMessage.TryConvert, HandleWithdraw, Name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Abci.ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        BankModule.CreateModuleAccount(context, RewardsAccount);
        return [];
    }

    /// <inheritdoc />
    public void Distribute(ModuleContext context, IReadOnlyList<Amount> collected)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(collected);
        var set = StakingModule.GetVotingPowers(context.State)
            .Select(p => StakingModule.GetValidator(context.State, p.Operator)!)
            .Where(v => v.Tokens > 0 && v.Shares > 0)
            .ToList();
        UInt128 totalTokens = 0;
        foreach (var v in set)
        {
            totalTokens += v.Tokens;
        }

        foreach (var amount in collected)
        {
            var remaining = amount.Value;
            foreach (var route in _routes)
            {
                var cut = route.Share.MultiplyFloor(amount.Value);
                if (cut != 0 && BankModule.SendFromModule(context, BankModule.FeePoolAccount, Address.ForModule(route.ModuleAccount), new Amount(cut, amount.Denom)).IsOk)
                {
                    remaining -= cut;
                }
            }

            if (totalTokens == 0 || remaining == 0)
            {
                continue;
            }

            UInt128 paid = 0;
            foreach (var v in set)
            {
                var share = (UInt128)((BigInteger)remaining * v.Tokens / totalTokens);
                if (share == 0)
                {
                    continue;
                }

                var commission = share * v.CommissionBasisPoints / 10_000;
                Add(context.State, CommissionKey(v.Operator, amount.Denom), commission);
                var perShare = (UInt128)(((BigInteger)(share - commission)) * Scale / v.Shares);
                Add(context.State, AccumulatorKey(v.Operator, amount.Denom), perShare);
                paid += share;
            }

            if (paid != 0)
            {
                var moved = BankModule.SendFromModule(context, BankModule.FeePoolAccount, Address.ForModule(RewardsAccount), new Amount(paid, amount.Denom));
                if (!moved.IsOk)
                {
                    throw new InvalidOperationException("The fee pool cannot fund distribution: " + moved);
                }
            }
        }
    }

    /// <summary>
    /// Settles a delegation's accrued rewards into its pending balance at the current shares (staking calls
    /// this before it changes the delegation's shares).
    /// </summary>
    /// <param name="state">State.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="delegator">The delegator.</param>
    public static void Settle(StateCache state, Address validator, Address delegator)
    {
        ArgumentNullException.ThrowIfNull(state);
        var shares = StakingModule.DelegationShares(state, validator, delegator);
        foreach (var denom in Denom.All)
        {
            var acc = Read(state, AccumulatorKey(validator, denom));
            var snapKey = SnapshotKey(validator, delegator, denom);
            var last = Read(state, snapKey);
            if (acc != last && shares != 0)
            {
                Add(state, PendingKey(validator, delegator, denom), (UInt128)((BigInteger)shares * (acc - last) / Scale));
            }

            Write(state, snapKey, acc);
        }
    }

    /// <summary>Rewards a delegator could withdraw now from one validator.</summary>
    /// <param name="state">State.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="delegator">The delegator.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The amount.</returns>
    public static UInt128 PendingRewards(IStateReader state, Address validator, Address delegator, Denom denom)
    {
        ArgumentNullException.ThrowIfNull(state);
        var shares = StakingModule.DelegationShares(state, validator, delegator);
        var acc = Read(state, AccumulatorKey(validator, denom));
        var last = Read(state, SnapshotKey(validator, delegator, denom));
        return Read(state, PendingKey(validator, delegator, denom)) + (UInt128)((BigInteger)shares * (acc - last) / Scale);
    }

    /// <summary>Unpaid commission of a validator.</summary>
    /// <param name="state">State.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The amount.</returns>
    public static UInt128 Commission(IStateReader state, Address validator, Denom denom) => Read(state, CommissionKey(validator, denom));

    /// <inheritdoc />
    public override IEnumerable<string> CheckInvariants(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var denom in Denom.All)
        {
            UInt128 owed = 0;
            foreach (var v in StakingModule.GetValidators(state))
            {
                owed += Commission(state, v.Operator, denom);
                foreach (var (key, _) in state.Scan(ModuleWire.Key("staking/d"u8, v.Operator)))
                {
                    owed += PendingRewards(state, v.Operator, new Address(key.AsSpan(key.Length - Address.Length)), denom);
                }
            }

            foreach (var (key, value) in state.Scan("distribution/p"u8))
            {
                var validator = new Address(key.AsSpan(14, Address.Length));
                var delegator = new Address(key.AsSpan(14 + Address.Length, Address.Length));
                if (key[^1] == denom.Code && StakingModule.DelegationShares(state, validator, delegator) == 0)
                {
                    owed += BinaryPrimitives.ReadUInt128BigEndian(value);
                }
            }

            var held = BankModule.GetBalance(state, Address.ForModule(RewardsAccount), denom).Value;
            if (held < owed)
            {
                yield return $"distribution: rewards account holds {held} {denom}, owes {owed}.";
            }
        }
    }

    private static TxResult HandleWithdraw(ModuleContext context, WithdrawRewardsMessage m)
    {
        var signer = context.Signer ?? throw new InvalidOperationException("Withdrawals run inside a transaction.");
        Settle(context.State, m.Validator, signer);
        foreach (var denom in Denom.All)
        {
            var key = PendingKey(m.Validator, signer, denom);
            var amount = Read(context.State, key);
            if (signer == m.Validator)
            {
                amount += Read(context.State, CommissionKey(m.Validator, denom));
                Write(context.State, CommissionKey(m.Validator, denom), 0);
            }

            Write(context.State, key, 0);
            if (amount != 0)
            {
                var paid = BankModule.SendFromModule(context, RewardsAccount, signer, new Amount(amount, denom));
                if (!paid.IsOk)
                {
                    return paid;
                }
            }
        }

        return TxResult.Success();
    }

    private static UInt128 Read(IStateReader state, byte[] key)
    {
        var v = state.Get(key);
        return v is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v);
    }

    private static void Write(StateCache state, byte[] key, UInt128 value)
    {
        if (value == 0)
        {
            state.Delete(key);
            return;
        }

        var v = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, value);
        state.Set(key, v);
    }

    private static void Add(StateCache state, byte[] key, UInt128 value)
    {
        if (value != 0)
        {
            Write(state, key, Read(state, key) + value);
        }
    }

    private static byte[] AccumulatorKey(Address v, Denom d) => [.. ModuleWire.Key("distribution/a"u8, v), d.Code];

    private static byte[] CommissionKey(Address v, Denom d) => [.. ModuleWire.Key("distribution/c"u8, v), d.Code];

    private static byte[] SnapshotKey(Address v, Address del, Denom d) => [.. ModuleWire.Key("distribution/s"u8, v, del), d.Code];

    private static byte[] PendingKey(Address v, Address del, Denom d) => [.. ModuleWire.Key("distribution/p"u8, v, del), d.Code];
}
