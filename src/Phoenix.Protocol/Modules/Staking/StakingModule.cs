using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Google.Protobuf;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using WireDelegation = Phoenix.Protocol.Wire.State.Delegation;
using WireRedelegation = Phoenix.Protocol.Wire.State.RedelegationEntry;
using WireUnbonding = Phoenix.Protocol.Wire.State.UnbondingEntry;
using WireValidator = Phoenix.Protocol.Wire.State.Validator;

namespace Phoenix.Protocol.Modules.Staking;

/// <summary>A validator as stored.</summary>
/// <param name="Operator">The operator account (identifies the validator in messages).</param>
/// <param name="ConsensusKey">The Ed25519 consensus key.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code.</param>
/// <param name="CommissionBasisPoints">Commission on delegators' rewards.</param>
/// <param name="Tokens">Bonded uphnx (after slashes).</param>
/// <param name="Shares">Total delegator shares.</param>
/// <param name="Jailed">Whether jailed (out of the active set).</param>
/// <param name="JailedUntil">Unix seconds from which it may unjail.</param>
/// <param name="Tombstoned">Whether permanently excluded (double sign).</param>
public sealed record ValidatorInfo(
    Address Operator, PublicKey ConsensusKey, string Jurisdiction, uint CommissionBasisPoints,
    UInt128 Tokens, UInt128 Shares, bool Jailed, long JailedUntil, bool Tombstoned)
{
    /// <summary>The consensus address: first 20 bytes of SHA-256(consensus key), as CometBFT reports it.</summary>
    public Address ConsensusAddress => ConsensusKey.Address;
}

/// <summary>A member of the consensus validator set with its capped voting power.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="ConsensusKey">The consensus key.</param>
/// <param name="Power">The voting power reported to consensus.</param>
public sealed record ValidatorPower(Address Operator, PublicKey ConsensusKey, long Power);

/// <summary>An unbonding in progress.</summary>
/// <param name="Delegator">Who receives the PHNX.</param>
/// <param name="Validator">The validator it left.</param>
/// <param name="Amount">uphnx (after slashes).</param>
/// <param name="CreationHeight">Height of the undelegation.</param>
/// <param name="Completion">Unix seconds at which it pays out.</param>
public sealed record UnbondingInfo(Address Delegator, Address Validator, UInt128 Amount, long CreationHeight, long Completion);

/// <summary>A redelegation inside the unbonding period (slashable for infractions of its source validator).</summary>
/// <param name="Delegator">The delegator.</param>
/// <param name="Source">The validator it left.</param>
/// <param name="Destination">The validator it moved to.</param>
/// <param name="InitialBalance">uphnx moved.</param>
/// <param name="SharesDestination">Shares received at the destination.</param>
/// <param name="CreationHeight">Height of the redelegation.</param>
/// <param name="Completion">Unix seconds after which it is no longer slashable for the source's infractions.</param>
public sealed record RedelegationInfo(Address Delegator, Address Source, Address Destination, UInt128 InitialBalance, UInt128 SharesDestination,
    long CreationHeight, long Completion);

/// <summary>
/// Staking (DESIGN §4): validators with a jurisdiction and commission, delegation with shares,
/// 21-day unbonding by block time, instant redelegation, the active set (top
/// <see cref="ChainParameters.MaxValidators"/> by bonded stake) with capped voting power
/// (<see cref="VotingPowerCaps"/>) and validator-set updates (only changes) at end-block.
/// The static members are the keeper API other modules use (slashing, oracle, governance, the task market).
/// </summary>
/// <remarks>
/// <para>Voting power = bonded uphnx / 10^6 (whole PHNX), then capped. A validator needs at least 1 PHNX bonded to be active.</para>
/// <para>State (under <c>staking/</c>): <c>v+operator</c> validator, <c>c+consensus address</c> → operator,
/// <c>d+validator+delegator</c> delegation shares, <c>r+delegator+validator</c> reverse index,
/// <c>u+completion(8)+sequence(8)</c> unbonding entry, <c>n</c> next sequence, <c>p+consensus key</c> → last
/// reported power and operator, <c>l+address+purpose</c> locked attestation stake.</para>
/// <para>Tokens sit in module accounts: <see cref="BondedPoolAccount"/>, <see cref="UnbondingPoolAccount"/>,
/// <see cref="LockedPoolAccount"/>; the invariants check each against the records.</para>
/// </remarks>
public sealed class StakingModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "staking";

    /// <summary>Module account holding bonded PHNX.</summary>
    public const string BondedPoolAccount = "staking_bonded";

    /// <summary>Module account holding unbonding PHNX.</summary>
    public const string UnbondingPoolAccount = "staking_unbonding";

    /// <summary>Module account holding locked attestation and challenge stakes.</summary>
    public const string LockedPoolAccount = "staking_locked";

    /// <summary>uphnx per unit of voting power.</summary>
    public const ulong UphnxPerPower = Denom.UnitsPerToken;

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<CreateValidatorMessage>(Message.SumOneofCase.CreateValidator, CreateValidatorMessage.Type, CreateValidatorMessage.TryConvert, HandleCreateValidator, Name);
        registry.Register<DelegateMessage>(Message.SumOneofCase.Delegate, DelegateMessage.Type, DelegateMessage.TryConvert, (c, m) => Delegate(c, Signer(c), m.Validator, m.Amount), Name);
        registry.Register<UndelegateMessage>(Message.SumOneofCase.Undelegate, UndelegateMessage.Type, UndelegateMessage.TryConvert, (c, m) => Undelegate(c, Signer(c), m.Validator, m.Amount), Name);
        registry.Register<RedelegateMessage>(Message.SumOneofCase.Redelegate, RedelegateMessage.Type, RedelegateMessage.TryConvert, HandleRedelegate, Name);
    }

    /// <inheritdoc />
    /// <remarks>Each genesis validator self-delegates <c>Power</c> whole PHNX from its operator's balance (vesting PHNX allowed).</remarks>
    /// <exception cref="InvalidOperationException">A genesis validator is invalid or its operator cannot fund the self-delegation.</exception>
    public override IReadOnlyList<ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(genesis);
        BankModule.CreateModuleAccount(context, BondedPoolAccount);
        BankModule.CreateModuleAccount(context, UnbondingPoolAccount);
        BankModule.CreateModuleAccount(context, LockedPoolAccount);
        foreach (var v in genesis.Validators)
        {
            if (!Iso3166.IsAssigned(v.Jurisdiction))
            {
                throw new InvalidOperationException($"Genesis validator {v.ConsensusKey}: '{v.Jurisdiction}' is not an ISO 3166-1 alpha-2 code.");
            }

            var result = CreateValidator(context, v.Operator, v.ConsensusKey, v.Jurisdiction, 0, (UInt128)(ulong)v.Power * UphnxPerPower);
            if (!result.IsOk)
            {
                throw new InvalidOperationException($"Genesis validator {v.ConsensusKey}: {result}");
            }
        }

        return UpdateValidatorSet(context);
    }

    /// <inheritdoc />
    /// <remarks>Pays out matured unbondings, then recomputes the active set and returns the changed powers.</remarks>
    public override IReadOnlyList<ValidatorUpdate> EndBlock(ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (key, value) in context.State.Scan("staking/u"u8))
        {
            var entry = WireUnbonding.Parser.ParseFrom(value);
            if (entry.CompletionUnixSeconds > context.Time.Seconds)
            {
                break;
            }

            var amount = ModuleWire.U128(entry.Amount);
            if (amount != 0)
            {
                var paid = BankModule.UndelegateFromModule(context, UnbondingPoolAccount, new Address(entry.Delegator.Span), new Amount(amount, Denom.Phnx));
                if (!paid.IsOk)
                {
                    throw new InvalidOperationException("Unbonding pool cannot pay a matured entry: " + paid);
                }
            }

            context.State.Delete(key);
            context.Emit("complete_unbonding", ("delegator", new Address(entry.Delegator.Span).ToString()), ("amount", ModuleWire.Dec(amount)));
        }

        foreach (var (key, value) in context.State.Scan(RedelegationPrefix))
        {
            var entry = WireRedelegation.Parser.ParseFrom(value);
            if (entry.CompletionUnixSeconds > context.Time.Seconds)
            {
                break;
            }

            context.State.Delete(key);
            context.Emit("complete_redelegation", ("delegator", new Address(entry.Delegator.Span).ToString()), ("source", new Address(entry.Source.Span).ToString()),
                ("destination", new Address(entry.Destination.Span).ToString()));
        }

        return UpdateValidatorSet(context);
    }

    // ---------------------------------------------------------------- keeper: reads

    /// <summary>Reads a validator.</summary>
    /// <param name="state">State.</param>
    /// <param name="operatorAddress">Its operator.</param>
    /// <returns>The validator, or null.</returns>
    public static ValidatorInfo? GetValidator(IStateReader state, Address operatorAddress)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get(ValidatorKey(operatorAddress));
        return bytes is null ? null : FromWire(WireValidator.Parser.ParseFrom(bytes));
    }

    /// <summary>Finds a validator by its consensus address (as in commits and evidence).</summary>
    /// <param name="state">State.</param>
    /// <param name="consensusAddress">20-byte consensus address.</param>
    /// <returns>The validator, or null.</returns>
    public static ValidatorInfo? GetValidatorByConsensusAddress(IStateReader state, ReadOnlySpan<byte> consensusAddress)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (consensusAddress.Length != Address.Length)
        {
            return null;
        }

        var op = state.Get(ModuleWire.Key("staking/c"u8, new Address(consensusAddress)));
        return op is null ? null : GetValidator(state, new Address(op));
    }

    /// <summary>All validators, in operator order.</summary>
    /// <param name="state">State.</param>
    /// <returns>The validators.</returns>
    public static IReadOnlyList<ValidatorInfo> GetValidators(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Scan("staking/v"u8).Select(kv => FromWire(WireValidator.Parser.ParseFrom(kv.Value)))];
    }

    /// <summary>The consensus set as last reported (end of the previous block, or genesis), in consensus-key order.</summary>
    /// <param name="state">State.</param>
    /// <returns>Members with positive power.</returns>
    public static IReadOnlyList<ValidatorPower> GetVotingPowers(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Scan("staking/p"u8).Select(kv => new ValidatorPower(
            new Address(kv.Value.AsSpan(8)), new PublicKey(kv.Key.AsSpan(9)), BinaryPrimitives.ReadInt64BigEndian(kv.Value)))];
    }

    /// <summary>Whether a validator is in the consensus set with positive power and not jailed (may attest, report prices).</summary>
    /// <param name="state">State.</param>
    /// <param name="operatorAddress">The operator.</param>
    /// <returns>Whether bonded.</returns>
    public static bool IsBonded(IStateReader state, Address operatorAddress)
    {
        var v = GetValidator(state, operatorAddress);
        return v is { Jailed: false, Tombstoned: false } && state.Get(PowerKey(v.ConsensusKey)) is not null;
    }

    /// <summary>Total bonded uphnx of an address across all its delegations (governance and dispute vote weight).</summary>
    /// <param name="state">State.</param>
    /// <param name="delegator">The address.</param>
    /// <returns>uphnx.</returns>
    public static UInt128 BondedStake(IStateReader state, Address delegator)
    {
        ArgumentNullException.ThrowIfNull(state);
        UInt128 total = 0;
        foreach (var (key, _) in state.Scan(ModuleWire.Key("staking/r"u8, delegator)))
        {
            total += DelegationValue(state, new Address(key.AsSpan(9 + Address.Length)), delegator);
        }

        return total;
    }

    /// <summary>The current uphnx value of one delegation.</summary>
    /// <param name="state">State.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="delegator">The delegator.</param>
    /// <returns>uphnx (zero when absent).</returns>
    public static UInt128 DelegationValue(IStateReader state, Address validator, Address delegator)
    {
        var v = GetValidator(state, validator);
        var shares = DelegationShares(state, validator, delegator);
        return v is null || shares == 0 || v.Shares == 0 ? UInt128.Zero : MulDiv(shares, v.Tokens, v.Shares);
    }

    /// <summary>Delegator shares of one delegation.</summary>
    /// <param name="state">State.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="delegator">The delegator.</param>
    /// <returns>Shares (zero when absent).</returns>
    public static UInt128 DelegationShares(IStateReader state, Address validator, Address delegator)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get(ModuleWire.Key("staking/d"u8, validator, delegator));
        return bytes is null ? UInt128.Zero : ModuleWire.U128(WireDelegation.Parser.ParseFrom(bytes).Shares);
    }

    /// <summary>Total bonded uphnx over all validators.</summary>
    /// <param name="state">State.</param>
    /// <returns>uphnx.</returns>
    public static UInt128 TotalBonded(IStateReader state)
    {
        UInt128 total = 0;
        foreach (var v in GetValidators(state))
        {
            total += v.Tokens;
        }

        return total;
    }

    /// <summary>Unbonding entries in completion order.</summary>
    /// <param name="state">State.</param>
    /// <returns>The entries.</returns>
    public static IReadOnlyList<UnbondingInfo> GetUnbondings(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Scan("staking/u"u8).Select(kv => WireUnbonding.Parser.ParseFrom(kv.Value)).Select(e => new UnbondingInfo(
            new Address(e.Delegator.Span), new Address(e.Validator.Span), ModuleWire.U128(e.Amount), e.CreationHeight, e.CompletionUnixSeconds))];
    }

    /// <summary>Redelegations still inside the unbonding period, in completion order.</summary>
    /// <param name="state">State.</param>
    /// <returns>The entries.</returns>
    public static IReadOnlyList<RedelegationInfo> GetRedelegations(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Scan(RedelegationPrefix).Select(kv => WireRedelegation.Parser.ParseFrom(kv.Value)).Select(e => new RedelegationInfo(
            new Address(e.Delegator.Span), new Address(e.Source.Span), new Address(e.Destination.Span), ModuleWire.U128(e.InitialBalance),
            ModuleWire.U128(e.SharesDst), e.CreationHeight, e.CompletionUnixSeconds))];
    }

    /// <summary>PHNX locked by an address for a purpose (attestation or challenge stake).</summary>
    /// <param name="state">State.</param>
    /// <param name="address">The owner.</param>
    /// <param name="purpose">The purpose tag, such as <c>attest/42/7</c>.</param>
    /// <returns>uphnx.</returns>
    public static UInt128 GetLocked(IStateReader state, Address address, string purpose)
    {
        ArgumentNullException.ThrowIfNull(state);
        var v = state.Get(LockKey(address, purpose));
        return v is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v);
    }

    // ---------------------------------------------------------------- keeper: writes

    /// <summary>Creates a validator and bonds its self-delegation.</summary>
    /// <param name="context">Context.</param>
    /// <param name="operatorAddress">The operator.</param>
    /// <param name="consensusKey">The consensus key.</param>
    /// <param name="jurisdiction">ISO code (already validated).</param>
    /// <param name="commissionBasisPoints">Commission.</param>
    /// <param name="selfDelegation">uphnx to bond.</param>
    /// <returns>Success or a typed error (state untouched by the caller's rollback on failure).</returns>
    public static TxResult CreateValidator(ModuleContext context, Address operatorAddress, PublicKey consensusKey, string jurisdiction, uint commissionBasisPoints, UInt128 selfDelegation)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GetValidator(context.State, operatorAddress) is not null)
        {
            return TxResult.Fail(StakingErrors.ValidatorExists, $"{operatorAddress} already operates a validator.");
        }

        var consKey = ModuleWire.Key("staking/c"u8, consensusKey.Address);
        if (context.State.Get(consKey) is not null)
        {
            return TxResult.Fail(StakingErrors.ConsensusKeyInUse, "The consensus key is used by another validator.");
        }

        SetValidator(context.State, new ValidatorInfo(operatorAddress, consensusKey, jurisdiction, commissionBasisPoints, 0, 0, false, 0, false));
        context.State.Set(consKey, ModuleWire.Bytes(operatorAddress));
        context.Emit("create_validator", ("operator", operatorAddress.ToString()), ("jurisdiction", jurisdiction));
        return Delegate(context, operatorAddress, operatorAddress, selfDelegation);
    }

    /// <summary>Bonds PHNX (vesting PHNX included) from a delegator to a validator.</summary>
    /// <param name="context">Context.</param>
    /// <param name="delegator">The delegator.</param>
    /// <param name="validator">The validator's operator.</param>
    /// <param name="amount">uphnx.</param>
    /// <returns>Success or a typed error.</returns>
    public static TxResult Delegate(ModuleContext context, Address delegator, Address validator, UInt128 amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        var check = AddShares(context, delegator, validator, amount, out var v, out var newShares);
        if (!check.IsOk)
        {
            return check;
        }

        var moved = BankModule.DelegateToModule(context, delegator, BondedPoolAccount, new Amount(amount, Denom.Phnx));
        if (!moved.IsOk)
        {
            return moved;
        }

        SetValidator(context.State, v! with { Tokens = v.Tokens + amount, Shares = v.Shares + newShares });
        context.Emit("delegate", ("delegator", delegator.ToString()), ("validator", validator.ToString()), ("amount", ModuleWire.Dec(amount)));
        return TxResult.Success();
    }

    /// <summary>Starts unbonding: the PHNX leaves the validator now and is paid out after <see cref="ChainParameters.UnbondingSeconds"/>.</summary>
    /// <param name="context">Context.</param>
    /// <param name="delegator">The delegator.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="amount">uphnx.</param>
    /// <returns>Success or a typed error.</returns>
    public static TxResult Undelegate(ModuleContext context, Address delegator, Address validator, UInt128 amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        var removed = RemoveShares(context, delegator, validator, amount);
        if (!removed.IsOk)
        {
            return removed;
        }

        var moved = BankModule.SendFromModule(context, BondedPoolAccount, Address.ForModule(UnbondingPoolAccount), new Amount(amount, Denom.Phnx));
        if (!moved.IsOk)
        {
            return moved;
        }

        var completion = checked(context.Time.Seconds + context.Parameters.UnbondingSeconds);
        var seq = NextSequence(context.State);
        var key = ModuleWire.Concat("staking/u"u8.ToArray(), ModuleWire.U64((ulong)completion), ModuleWire.U64(seq));
        context.State.Set(key, new WireUnbonding
        {
            Delegator = ByteString.CopyFrom(ModuleWire.Bytes(delegator)),
            Validator = ByteString.CopyFrom(ModuleWire.Bytes(validator)),
            Amount = ModuleWire.Dec(amount),
            CreationHeight = context.Height,
            CompletionUnixSeconds = completion,
        }.ToByteArray());
        context.Emit("unbond", ("delegator", delegator.ToString()), ("validator", validator.ToString()), ("amount", ModuleWire.Dec(amount)),
            ("completion", completion.ToString(CultureInfo.InvariantCulture)));
        return TxResult.Success();
    }

    /// <summary>Moves bonded PHNX from one validator to another at once (tokens stay in the bonded pool).</summary>
    /// <param name="context">Context.</param>
    /// <param name="delegator">The delegator.</param>
    /// <param name="source">Source validator.</param>
    /// <param name="destination">Destination validator.</param>
    /// <param name="amount">uphnx.</param>
    /// <returns>Success or a typed error.</returns>
    public static TxResult Redelegate(ModuleContext context, Address delegator, Address source, Address destination, UInt128 amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (source == destination)
        {
            return TxResult.Fail(StakingErrors.SelfRedelegation, "Source and destination are the same validator.");
        }

        var check = AddShares(context, delegator, destination, amount, out var dst, out var newShares);
        if (!check.IsOk)
        {
            return check;
        }

        var removed = RemoveShares(context, delegator, source, amount);
        if (!removed.IsOk)
        {
            return removed;
        }

        dst = GetValidator(context.State, destination)!;
        SetValidator(context.State, dst with { Tokens = dst.Tokens + amount, Shares = dst.Shares + newShares });

        // Remember the move for the unbonding period: an infraction of the source committed before it is still
        // slashed on these tokens at the destination (Cosmos SDK semantics).
        var completion = checked(context.Time.Seconds + context.Parameters.UnbondingSeconds);
        var key = ModuleWire.Concat(RedelegationPrefix.ToArray(), ModuleWire.U64((ulong)completion), ModuleWire.U64(NextSequence(context.State)));
        context.State.Set(key, new WireRedelegation
        {
            Delegator = ByteString.CopyFrom(ModuleWire.Bytes(delegator)),
            Source = ByteString.CopyFrom(ModuleWire.Bytes(source)),
            Destination = ByteString.CopyFrom(ModuleWire.Bytes(destination)),
            InitialBalance = ModuleWire.Dec(amount),
            SharesDst = ModuleWire.Dec(newShares),
            CreationHeight = context.Height,
            CompletionUnixSeconds = completion,
        }.ToByteArray());
        context.Emit("redelegate", ("delegator", delegator.ToString()), ("source", source.ToString()), ("destination", destination.ToString()), ("amount", ModuleWire.Dec(amount)));
        return TxResult.Success();
    }

    /// <summary>
    /// Slashes a validator: burns <c>floor(tokens × fraction)</c> of its bonded PHNX (every delegator loses the
    /// same share, through the share price), the same fraction of unbonding entries from it created at or
    /// after <paramref name="infractionHeight"/>, and the same fraction of the stake redelegated away from it at or
    /// after that height and still inside the unbonding period (taken at the destination).
    /// </summary>
    /// <param name="context">Context.</param>
    /// <param name="validator">The validator's operator.</param>
    /// <param name="fraction">The slash fraction (at most 1).</param>
    /// <param name="infractionHeight">The height of the offence.</param>
    /// <returns>The uphnx burned.</returns>
    public static UInt128 Slash(ModuleContext context, Address validator, Ratio fraction, long infractionHeight)
    {
        ArgumentNullException.ThrowIfNull(context);
        var v = GetValidator(context.State, validator);
        if (v is null)
        {
            return 0;
        }

        var burned = fraction.MultiplyFloor(v.Tokens);
        if (burned != 0)
        {
            BurnFrom(context, BondedPoolAccount, burned);
            SetValidator(context.State, v with { Tokens = v.Tokens - burned });
        }

        UInt128 fromUnbonding = 0;
        foreach (var (key, value) in context.State.Scan("staking/u"u8))
        {
            var entry = WireUnbonding.Parser.ParseFrom(value);
            if (entry.CreationHeight < infractionHeight || !entry.Validator.Span.SequenceEqual(ModuleWire.Bytes(validator)))
            {
                continue;
            }

            var amount = ModuleWire.U128(entry.Amount);
            var cut = fraction.MultiplyFloor(amount);
            if (cut != 0)
            {
                entry.Amount = ModuleWire.Dec(amount - cut);
                context.State.Set(key, entry.ToByteArray());
                fromUnbonding += cut;
            }
        }

        if (fromUnbonding != 0)
        {
            BurnFrom(context, UnbondingPoolAccount, fromUnbonding);
        }

        var fromRedelegations = SlashRedelegations(context, validator, fraction, infractionHeight);
        var total = burned + fromUnbonding + fromRedelegations;
        context.Emit("slash", ("validator", validator.ToString()), ("fraction", fraction.ToString()), ("burned", ModuleWire.Dec(total)),
            ("burned_redelegated", ModuleWire.Dec(fromRedelegations)));
        return total;
    }

    /// <summary>Jails a validator until <paramref name="untilUnixSeconds"/> (it leaves the active set at this block's end).</summary>
    /// <param name="context">Context.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="untilUnixSeconds">Earliest unjail time.</param>
    /// <param name="tombstone">Whether to exclude it forever.</param>
    public static void Jail(ModuleContext context, Address validator, long untilUnixSeconds, bool tombstone)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GetValidator(context.State, validator) is { } v)
        {
            SetValidator(context.State, v with { Jailed = true, JailedUntil = Math.Max(v.JailedUntil, untilUnixSeconds), Tombstoned = v.Tombstoned || tombstone });
            context.Emit("jail", ("validator", validator.ToString()), ("tombstoned", (v.Tombstoned || tombstone) ? "true" : "false"));
        }
    }

    /// <summary>Releases a jailed validator (the slashing module checks the conditions).</summary>
    /// <param name="context">Context.</param>
    /// <param name="validator">The validator.</param>
    public static void Unjail(ModuleContext context, Address validator)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GetValidator(context.State, validator) is { } v)
        {
            SetValidator(context.State, v with { Jailed = false });
            context.Emit("unjail", ("validator", validator.ToString()));
        }
    }

    /// <summary>Locks liquid PHNX of an address for a purpose (attestation or challenge stake).</summary>
    /// <param name="context">Context.</param>
    /// <param name="address">The owner.</param>
    /// <param name="amount">uphnx.</param>
    /// <param name="purpose">A purpose tag (1-64 characters).</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult Lock(ModuleContext context, Address address, UInt128 amount, string purpose)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var moved = BankModule.SendToModule(context, address, LockedPoolAccount, new Amount(amount, Denom.Phnx));
        if (!moved.IsOk)
        {
            return moved;
        }

        SetLocked(context.State, address, purpose, GetLocked(context.State, address, purpose) + amount);
        return TxResult.Success();
    }

    /// <summary>Returns locked PHNX to its owner.</summary>
    /// <param name="context">Context.</param>
    /// <param name="address">The owner.</param>
    /// <param name="amount">uphnx.</param>
    /// <param name="purpose">The purpose tag.</param>
    /// <returns>Success or <see cref="StakingErrors.InsufficientLocked"/>.</returns>
    public static TxResult Unlock(ModuleContext context, Address address, UInt128 amount, string purpose)
        => Release(context, address, amount, purpose, address);

    /// <summary>Slashes locked PHNX: it goes to <paramref name="recipient"/>, or is burned when null.</summary>
    /// <param name="context">Context.</param>
    /// <param name="address">The owner.</param>
    /// <param name="amount">uphnx.</param>
    /// <param name="purpose">The purpose tag.</param>
    /// <param name="recipient">Who receives it (the winning side of a dispute), or null to burn.</param>
    /// <returns>Success or <see cref="StakingErrors.InsufficientLocked"/>.</returns>
    public static TxResult SlashLocked(ModuleContext context, Address address, UInt128 amount, string purpose, Address? recipient)
        => Release(context, address, amount, purpose, recipient);

    // ---------------------------------------------------------------- invariants

    /// <inheritdoc />
    public override IEnumerable<string> CheckInvariants(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bonded = BankModule.GetBalance(state, Address.ForModule(BondedPoolAccount), Denom.Phnx).Value;
        var tokens = TotalBonded(state);
        if (bonded != tokens)
        {
            yield return $"staking: bonded pool {bonded} != sum of validator tokens {tokens}.";
        }

        UInt128 unbonding = 0;
        foreach (var e in GetUnbondings(state))
        {
            unbonding += e.Amount;
        }

        var unbondingPool = BankModule.GetBalance(state, Address.ForModule(UnbondingPoolAccount), Denom.Phnx).Value;
        if (unbondingPool != unbonding)
        {
            yield return $"staking: unbonding pool {unbondingPool} != sum of entries {unbonding}.";
        }

        UInt128 locked = 0;
        foreach (var (_, v) in state.Scan("staking/l"u8))
        {
            locked += BinaryPrimitives.ReadUInt128BigEndian(v);
        }

        var lockedPool = BankModule.GetBalance(state, Address.ForModule(LockedPoolAccount), Denom.Phnx).Value;
        if (lockedPool != locked)
        {
            yield return $"staking: locked pool {lockedPool} != sum of locks {locked}.";
        }

        foreach (var v in GetValidators(state))
        {
            UInt128 shares = 0;
            foreach (var (_, d) in state.Scan(ModuleWire.Key("staking/d"u8, v.Operator)))
            {
                shares += ModuleWire.U128(WireDelegation.Parser.ParseFrom(d).Shares);
            }

            if (shares != v.Shares)
            {
                yield return $"staking: validator {v.Operator} shares {v.Shares} != sum of delegations {shares}.";
            }
        }
    }

    // ---------------------------------------------------------------- internals

    private static Address Signer(ModuleContext c) => c.Signer ?? throw new InvalidOperationException("Staking messages run inside a transaction.");

    private static TxResult HandleCreateValidator(ModuleContext context, CreateValidatorMessage m)
        => CreateValidator(context, Signer(context), m.ConsensusKey, m.Jurisdiction, m.CommissionBasisPoints, m.SelfDelegation);

    private static TxResult HandleRedelegate(ModuleContext context, RedelegateMessage m)
        => Redelegate(context, Signer(context), m.Source, m.Destination, m.Amount);

    /// <summary>
    /// Slashes stake that left <paramref name="validator"/> by redelegation at or after the infraction and is still
    /// inside the unbonding period: <c>fraction</c> of the shares it received at the destination are removed from the
    /// delegator's destination delegation (never more than it still holds there) and their tokens burned.
    /// </summary>
    private static UInt128 SlashRedelegations(ModuleContext context, Address validator, Ratio fraction, long infractionHeight)
    {
        UInt128 burned = 0;
        foreach (var (_, value) in context.State.Scan(RedelegationPrefix))
        {
            var entry = WireRedelegation.Parser.ParseFrom(value);
            if (entry.CreationHeight < infractionHeight || entry.CompletionUnixSeconds <= context.Time.Seconds
                || !entry.Source.Span.SequenceEqual(ModuleWire.Bytes(validator)))
            {
                continue;
            }

            var destination = new Address(entry.Destination.Span);
            var delegator = new Address(entry.Delegator.Span);
            var dst = GetValidator(context.State, destination);
            var held = DelegationShares(context.State, destination, delegator);
            var shares = UInt128.Min(fraction.MultiplyFloor(ModuleWire.U128(entry.SharesDst)), held);
            if (dst is null || shares == 0 || dst.Shares == 0)
            {
                continue;
            }

            var tokens = MulDiv(shares, dst.Tokens, dst.Shares);
            Distribution.DistributionModule.Settle(context.State, destination, delegator);
            SetDelegation(context.State, destination, delegator, held - shares);
            SetValidator(context.State, dst with { Tokens = dst.Tokens - tokens, Shares = dst.Shares - shares });
            if (tokens != 0)
            {
                BurnFrom(context, BondedPoolAccount, tokens);
                burned += tokens;
            }

            context.Emit("slash_redelegation", ("delegator", delegator.ToString()), ("source", validator.ToString()), ("destination", destination.ToString()),
                ("shares", ModuleWire.Dec(shares)), ("burned", ModuleWire.Dec(tokens)));
        }

        return burned;
    }

    private static TxResult AddShares(ModuleContext context, Address delegator, Address validator, UInt128 amount, out ValidatorInfo? v, out UInt128 newShares)
    {
        newShares = 0;
        v = GetValidator(context.State, validator);
        if (v is null)
        {
            return TxResult.Fail(StakingErrors.ValidatorNotFound, $"No validator {validator}.");
        }

        if (v.Tombstoned)
        {
            return TxResult.Fail(StakingErrors.ValidatorTombstoned, $"{validator} is tombstoned.");
        }

        if (v.Tokens == 0 && v.Shares != 0)
        {
            return TxResult.Fail(StakingErrors.ValidatorInsolvent, $"{validator} has no tokens left.");
        }

        var shares = v.Shares == 0 ? (BigInteger)amount : (BigInteger)amount * v.Shares / v.Tokens;
        if (shares == 0)
        {
            return TxResult.Fail(StakingErrors.InsufficientDelegation, "The amount is too small to buy one share.");
        }

        if (shares + v.Shares > UInt128.MaxValue || (BigInteger)v.Tokens + amount > UInt128.MaxValue)
        {
            return TxResult.Fail(StakingErrors.Overflow, "Shares would overflow.");
        }

        newShares = (UInt128)shares;
        Distribution.DistributionModule.Settle(context.State, validator, delegator);
        var existing = DelegationShares(context.State, validator, delegator);
        SetDelegation(context.State, validator, delegator, existing + newShares);
        return TxResult.Success();
    }

    private static TxResult RemoveShares(ModuleContext context, Address delegator, Address validator, UInt128 amount)
    {
        var v = GetValidator(context.State, validator);
        if (v is null)
        {
            return TxResult.Fail(StakingErrors.ValidatorNotFound, $"No validator {validator}.");
        }

        var shares = DelegationShares(context.State, validator, delegator);
        var value = shares == 0 || v.Shares == 0 ? UInt128.Zero : MulDiv(shares, v.Tokens, v.Shares);
        if (amount > value)
        {
            return TxResult.Fail(StakingErrors.InsufficientDelegation, $"The delegation is worth {value} uphnx, {amount} asked.");
        }

        // Shares to burn, rounded up (in favour of the remaining delegators), never more than held.
        Distribution.DistributionModule.Settle(context.State, validator, delegator);
        var burn = (UInt128)BigInteger.Min(shares, (((BigInteger)amount * v.Shares) + v.Tokens - 1) / v.Tokens);
        SetDelegation(context.State, validator, delegator, shares - burn);
        SetValidator(context.State, v with { Tokens = v.Tokens - amount, Shares = v.Shares - burn });
        return TxResult.Success();
    }

    private static TxResult Release(ModuleContext context, Address address, UInt128 amount, string purpose, Address? recipient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var locked = GetLocked(context.State, address, purpose);
        if (amount > locked)
        {
            return TxResult.Fail(StakingErrors.InsufficientLocked, $"{address} has {locked} uphnx locked for '{purpose}'.");
        }

        var result = recipient is { } to
            ? BankModule.SendFromModule(context, LockedPoolAccount, to, new Amount(amount, Denom.Phnx))
            : BankModule.Burn(context, Address.ForModule(LockedPoolAccount), new Amount(amount, Denom.Phnx));
        if (!result.IsOk)
        {
            return result;
        }

        SetLocked(context.State, address, purpose, locked - amount);
        return TxResult.Success();
    }

    private static IReadOnlyList<ValidatorUpdate> UpdateValidatorSet(ModuleContext context)
    {
        var p = context.Parameters;
        var active = GetValidators(context.State)
            .Where(v => !v.Jailed && !v.Tombstoned && v.Tokens >= UphnxPerPower)
            .OrderByDescending(v => v.Tokens)
            .ThenBy(v => v.Operator)
            .Take(p.MaxValidators)
            .ToList();
        var raw = active.Select(v => new RawPower(v.Operator, v.Jurisdiction, (long)UInt128.Min(v.Tokens / UphnxPerPower, (UInt128)long.MaxValue))).ToList();
        var capped = VotingPowerCaps.Apply(raw, p.ValidatorPowerCap, p.JurisdictionPowerCap);
        if (!capped.CapsMet)
        {
            context.Emit("power_caps_unmet", ("validators", active.Count.ToString(CultureInfo.InvariantCulture)));
        }

        var next = new SortedDictionary<PublicKey, (long Power, Address Operator)>();
        for (var i = 0; i < active.Count; i++)
        {
            if (capped.Powers[i] > 0)
            {
                next[active[i].ConsensusKey] = (capped.Powers[i], active[i].Operator);
            }
        }

        var updates = new List<ValidatorUpdate>();
        foreach (var old in GetVotingPowers(context.State))
        {
            if (!next.ContainsKey(old.ConsensusKey))
            {
                context.State.Delete(PowerKey(old.ConsensusKey));
                updates.Add(new ValidatorUpdate(old.ConsensusKey.ToArray(), 0));
            }
        }

        foreach (var (key, (power, op)) in next)
        {
            var existing = context.State.Get(PowerKey(key));
            if (existing is not null && BinaryPrimitives.ReadInt64BigEndian(existing) == power)
            {
                continue;
            }

            var value = new byte[8 + Address.Length];
            BinaryPrimitives.WriteInt64BigEndian(value, power);
            op.TryWriteBytes(value.AsSpan(8));
            context.State.Set(PowerKey(key), value);
            updates.Add(new ValidatorUpdate(key.ToArray(), power));
        }

        return [.. updates.OrderBy(u => Convert.ToHexString(u.PublicKey.Span), StringComparer.Ordinal)];
    }

    private static void BurnFrom(ModuleContext context, string account, UInt128 amount)
    {
        var burned = BankModule.Burn(context, Address.ForModule(account), new Amount(amount, Denom.Phnx));
        if (!burned.IsOk)
        {
            throw new InvalidOperationException($"Module account {account} cannot burn {amount}: {burned}");
        }
    }

    private static UInt128 MulDiv(UInt128 a, UInt128 b, UInt128 c) => (UInt128)((BigInteger)a * b / c);

    private static ulong NextSequence(StateCache state)
    {
        var key = "staking/n"u8;
        var cur = state.Get(key);
        var seq = cur is null ? 0UL : BinaryPrimitives.ReadUInt64BigEndian(cur);
        state.Set(key, ModuleWire.U64(seq + 1));
        return seq;
    }

    private static void SetDelegation(StateCache state, Address validator, Address delegator, UInt128 shares)
    {
        var key = ModuleWire.Key("staking/d"u8, validator, delegator);
        var reverse = ModuleWire.Key("staking/r"u8, delegator, validator);
        if (shares == 0)
        {
            state.Delete(key);
            state.Delete(reverse);
            return;
        }

        state.Set(key, new WireDelegation { Shares = ModuleWire.Dec(shares) }.ToByteArray());
        state.Set(reverse, [1]);
    }

    private static void SetLocked(StateCache state, Address address, string purpose, UInt128 amount)
    {
        var key = LockKey(address, purpose);
        if (amount == 0)
        {
            state.Delete(key);
            return;
        }

        var v = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, amount);
        state.Set(key, v);
    }

    private static byte[] LockKey(Address address, string purpose)
        => ModuleWire.Concat(ModuleWire.Key("staking/l"u8, address), System.Text.Encoding.UTF8.GetBytes(purpose));

    private static ReadOnlySpan<byte> RedelegationPrefix => "staking/x"u8;

    private static byte[] ValidatorKey(Address op) => ModuleWire.Key("staking/v"u8, op);

    private static byte[] PowerKey(PublicKey key) => ModuleWire.Concat("staking/p"u8.ToArray(), key.ToArray());

    private static void SetValidator(StateCache state, ValidatorInfo v) => state.Set(ValidatorKey(v.Operator), new WireValidator
    {
        Operator = ByteString.CopyFrom(ModuleWire.Bytes(v.Operator)),
        ConsensusPublicKey = ByteString.CopyFrom(v.ConsensusKey.ToArray()),
        Jurisdiction = v.Jurisdiction,
        CommissionBps = v.CommissionBasisPoints,
        Tokens = ModuleWire.Dec(v.Tokens),
        Shares = ModuleWire.Dec(v.Shares),
        Jailed = v.Jailed,
        JailedUntilUnixSeconds = v.JailedUntil,
        Tombstoned = v.Tombstoned,
    }.ToByteArray());

    private static ValidatorInfo FromWire(WireValidator w) => new(
        new Address(w.Operator.Span), new PublicKey(w.ConsensusPublicKey.Span), w.Jurisdiction, w.CommissionBps,
        ModuleWire.U128(w.Tokens), ModuleWire.U128(w.Shares), w.Jailed, w.JailedUntilUnixSeconds, w.Tombstoned);
}
