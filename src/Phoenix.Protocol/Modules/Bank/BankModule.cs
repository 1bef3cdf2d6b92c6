using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using WireVesting = Phoenix.Protocol.Wire.State.VestingSchedule;

namespace Phoenix.Protocol.Modules.Bank;

/// <summary>
/// The bank: multi-denomination balances, per-denomination supply, transfers, vesting locks, fees,
/// minting and burning. It is the single ledger: other modules keep escrows, stakes and pools in
/// module accounts (<see cref="Address.ForModule"/>) through <see cref="SendToModule"/> and
/// <see cref="SendFromModule"/>, so the supply invariant covers them.
/// </summary>
/// <remarks>
/// State (under <c>bank/</c>): <c>b + address(20) + denom(1)</c> → balance (16-byte big-endian),
/// <c>s + denom(1)</c> → supply, <c>v + address(20)</c> → vesting schedule (protobuf),
/// <c>m + address(20)</c> → module-account name, <c>d</c>/<c>f + address(20)</c> → delegated
/// vesting / delegated free PHNX of a vesting account.
/// </remarks>
public sealed class BankModule : PhoenixModule
{
    /// <summary>The module account that collects transaction fees.</summary>
    public const string FeePoolAccount = "fee_pool";

    /// <summary>The module name.</summary>
    public const string ModuleName = "bank";

    /// <summary>Creates the bank.</summary>
    /// <param name="feeDistributor">Receives the fee pool at every end-block (null: fees accumulate in the pool).</param>
    public BankModule(IFeeDistributor? feeDistributor = null) => FeeDistributor = feeDistributor;

    /// <summary>The fee distribution hook, if any.</summary>
    public IFeeDistributor? FeeDistributor { get; }

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    /// <remarks>Hands the fee pool's balances to <see cref="FeeDistributor"/>, which moves them with <see cref="SendFromModule"/>.</remarks>
    public override IReadOnlyList<ValidatorUpdate> EndBlock(ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (FeeDistributor is { } distributor)
        {
            var collected = Denom.All.Select(d => GetBalance(context.State, FeePool, d)).Where(a => !a.IsZero).ToList();
            if (collected.Count > 0)
            {
                distributor.Distribute(context, collected);
            }
        }

        return [];
    }

    /// <summary>The fee pool's address.</summary>
    public static Address FeePool { get; } = Address.ForModule(FeePoolAccount);

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<SendMessage>(Message.SumOneofCase.Send, SendMessage.Type, SendMessage.TryConvert, HandleSend, Name);
    }

    /// <summary>
    /// Records a module account in state so that plain transfers to it are refused (only its module
    /// moves its funds). Modules call this from their <see cref="PhoenixModule.InitGenesis"/>.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="name">The module account name.</param>
    public static void CreateModuleAccount(ModuleContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(name);
        context.State.Set(ModuleAccountKey(Address.ForModule(name)), System.Text.Encoding.UTF8.GetBytes(name));
    }

    /// <summary>Whether an address is a module account.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="address">The address.</param>
    /// <returns>Whether it was created with <see cref="CreateModuleAccount"/>.</returns>
    public static bool IsModuleAccount(IStateReader state, Address address)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Get(ModuleAccountKey(address)) is not null;
    }

    private static byte[] ModuleAccountKey(Address address)
    {
        var key = new byte[6 + Address.Length];
        "bank/m"u8.CopyTo(key);
        address.TryWriteBytes(key.AsSpan(6));
        return key;
    }

    /// <inheritdoc />
    public override IReadOnlyList<ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(genesis);
        CreateModuleAccount(context, FeePoolAccount);
        foreach (var account in genesis.Accounts)
        {
            foreach (var amount in account.Balances)
            {
                Mint(context, account.Address, amount);
            }

            if (account.Vesting is { } v)
            {
                SetVesting(context, account.Address, v);
            }
        }

        foreach (var module in genesis.ModuleAccounts)
        {
            CreateModuleAccount(context, module.Name);
            foreach (var amount in module.Balances)
            {
                Mint(context, Address.ForModule(module.Name), amount);
            }
        }

        return [];
    }

    /// <summary>The balance of one denomination.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="address">The account.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The balance (zero when absent).</returns>
    public static Amount GetBalance(IStateReader state, Address address, Denom denom)
    {
        ArgumentNullException.ThrowIfNull(state);
        Span<byte> key = stackalloc byte[BalanceKeyLength];
        WriteBalanceKey(key, address, denom);
        var v = state.Get(key);
        return new Amount(v is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v), denom);
    }

    /// <summary>The supply of one denomination.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The supply.</returns>
    public static UInt128 GetSupply(IStateReader state, Denom denom)
    {
        ArgumentNullException.ThrowIfNull(state);
        var v = state.Get(SupplyKey(denom));
        return v is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v);
    }

    /// <summary>The vesting schedule of an account, if any.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="address">The account.</param>
    /// <returns>The schedule or null.</returns>
    public static VestingSchedule? GetVesting(IStateReader state, Address address)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get(VestingKey(address));
        if (bytes is null)
        {
            return null;
        }

        var w = WireVesting.Parser.ParseFrom(bytes);
        return new VestingSchedule(
            UInt128.Parse(w.Total, CultureInfo.InvariantCulture),
            new Timestamp(w.StartUnixSeconds, 0),
            new Timestamp(w.CliffUnixSeconds, 0),
            new Timestamp(w.EndUnixSeconds, 0));
    }

    /// <summary>What an account can transfer now: its balance minus PHNX still locked by vesting.</summary>
    /// <param name="context">The context (its block time decides vesting).</param>
    /// <param name="address">The account.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The spendable amount.</returns>
    public static Amount Spendable(ModuleContext context, Address address, Denom denom)
    {
        ArgumentNullException.ThrowIfNull(context);
        var balance = GetBalance(context.State, address, denom);
        if (denom != Denom.Phnx || GetVesting(context.State, address) is not { } vesting)
        {
            return balance;
        }

        var locked = vesting.LockedAt(context.Time);
        var delegatedVesting = ReadU128(context.State, DelegationKey(address, vesting: true));
        var stillLocked = locked > delegatedVesting ? locked - delegatedVesting : UInt128.Zero;
        return new Amount(balance.Value > stillLocked ? balance.Value - stillLocked : UInt128.Zero, denom);
    }

    /// <summary>Transfers between accounts, enforcing transferability and vesting locks.</summary>
    /// <param name="context">The context.</param>
    /// <param name="from">The payer.</param>
    /// <param name="to">The recipient.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success or a bank error (state untouched on failure).</returns>
    public static TxResult Send(ModuleContext context, Address from, Address to, Amount amount)
    {
        if (!amount.Denom.IsTransferable)
        {
            return TxResult.Fail(BankErrors.NotTransferable, $"{amount.Denom.Symbol} cannot be transferred.");
        }

        if (IsModuleAccount(context.State, to))
        {
            return TxResult.Fail(BankErrors.BlockedRecipient, $"{to} is a module account.");
        }

        return Move(context, from, to, amount, respectVesting: true);
    }

    /// <summary>Moves funds from an account into a module account (escrow, pool). Vesting locks apply.</summary>
    /// <param name="context">The context.</param>
    /// <param name="from">The payer.</param>
    /// <param name="moduleAccount">The module account name.</param>
    /// <param name="amount">The amount (any denomination).</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult SendToModule(ModuleContext context, Address from, string moduleAccount, Amount amount)
        => Move(context, from, Address.ForModule(moduleAccount), amount, respectVesting: true);

    /// <summary>
    /// The staking hook for vesting accounts (DESIGN §4: vesting tokens may be staked but not
    /// transferred): moves PHNX into a staking module account, allowing locked tokens, and records how
    /// much of the stake came from locked ("delegated vesting") and from free tokens, so that
    /// <see cref="Spendable"/> stays right while staked and after <see cref="UndelegateFromModule"/>.
    /// Other denominations behave like <see cref="SendToModule"/>.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="delegator">The account staking.</param>
    /// <param name="moduleAccount">The staking module account.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult DelegateToModule(ModuleContext context, Address delegator, string moduleAccount, Amount amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (amount.Denom != Denom.Phnx || GetVesting(context.State, delegator) is not { } vesting)
        {
            return SendToModule(context, delegator, moduleAccount, amount);
        }

        var result = Move(context, delegator, Address.ForModule(moduleAccount), amount, respectVesting: false);
        if (!result.IsOk)
        {
            return result;
        }

        var locked = vesting.LockedAt(context.Time);
        var dvKey = DelegationKey(delegator, vesting: true);
        var dfKey = DelegationKey(delegator, vesting: false);
        var dv = ReadU128(context.State, dvKey);
        var lockedUndelegated = locked > dv ? locked - dv : UInt128.Zero;
        var fromLocked = UInt128.Min(lockedUndelegated, amount.Value);
        WriteU128(context.State, dvKey, dv + fromLocked);
        WriteU128(context.State, dfKey, ReadU128(context.State, dfKey) + (amount.Value - fromLocked));
        return result;
    }

    /// <summary>Returns staked funds to an account (the inverse of <see cref="DelegateToModule"/>): free tokens first, then vesting ones.</summary>
    /// <param name="context">The context.</param>
    /// <param name="moduleAccount">The staking module account.</param>
    /// <param name="delegator">The account.</param>
    /// <param name="amount">The amount returned.</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult UndelegateFromModule(ModuleContext context, string moduleAccount, Address delegator, Amount amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = SendFromModule(context, moduleAccount, delegator, amount);
        if (!result.IsOk || amount.Denom != Denom.Phnx)
        {
            return result;
        }

        var dvKey = DelegationKey(delegator, vesting: true);
        var dfKey = DelegationKey(delegator, vesting: false);
        var df = ReadU128(context.State, dfKey);
        var fromFree = UInt128.Min(df, amount.Value);
        WriteU128(context.State, dfKey, df - fromFree);
        var dv = ReadU128(context.State, dvKey);
        WriteU128(context.State, dvKey, dv - UInt128.Min(dv, amount.Value - fromFree));
        return result;
    }

    /// <summary>Moves funds out of a module account.</summary>
    /// <param name="context">The context.</param>
    /// <param name="moduleAccount">The module account name.</param>
    /// <param name="to">The recipient.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult SendFromModule(ModuleContext context, string moduleAccount, Address to, Amount amount)
        => Move(context, Address.ForModule(moduleAccount), to, amount, respectVesting: false);

    /// <summary>Charges a transaction fee into the fee pool (from spendable funds only).</summary>
    /// <param name="context">The block context.</param>
    /// <param name="payer">The signer.</param>
    /// <param name="fee">The fee.</param>
    /// <returns>Success or a bank error.</returns>
    public static TxResult ChargeFee(ModuleContext context, Address payer, Amount fee)
        => fee.IsZero ? TxResult.Success() : Move(context, payer, FeePool, fee, respectVesting: true);

    /// <summary>Creates new tokens (genesis, SPARK by burn-to-mint, bTASK on finalization) and raises the supply.</summary>
    /// <param name="context">The context.</param>
    /// <param name="to">The recipient.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success, or <see cref="BankErrors.Overflow"/>.</returns>
    public static TxResult Mint(ModuleContext context, Address to, Amount amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        var supply = GetSupply(context.State, amount.Denom);
        var balance = GetBalance(context.State, to, amount.Denom);
        if (!new Amount(supply, amount.Denom).TryAdd(amount, out var newSupply) || !balance.TryAdd(amount, out var newBalance))
        {
            return TxResult.Fail(BankErrors.Overflow, "Minting would overflow.");
        }

        SetSupply(context.State, newSupply);
        SetBalance(context.State, to, newBalance);
        context.Emit("mint", ("recipient", to.ToString()), ("amount", amount.ToString()));
        return TxResult.Success();
    }

    /// <summary>Destroys tokens from an account and lowers the supply.</summary>
    /// <param name="context">The context.</param>
    /// <param name="from">The holder.</param>
    /// <param name="amount">The amount.</param>
    /// <returns>Success, or <see cref="BankErrors.InsufficientFunds"/>.</returns>
    public static TxResult Burn(ModuleContext context, Address from, Amount amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        var balance = Spendable(context, from, amount.Denom);
        if (!balance.TrySubtract(amount, out _))
        {
            return TxResult.Fail(BankErrors.InsufficientFunds, $"{from} cannot burn {amount}.");
        }

        SetBalance(context.State, from, GetBalance(context.State, from, amount.Denom) - amount);
        SetSupply(context.State, new Amount(GetSupply(context.State, amount.Denom), amount.Denom) - amount);
        context.Emit("burn", ("burner", from.ToString()), ("amount", amount.ToString()));
        return TxResult.Success();
    }

    /// <summary>Sum of all balances per denomination (for invariants and tests).</summary>
    /// <param name="state">State to read.</param>
    /// <returns>Per-denomination totals.</returns>
    public static IReadOnlyDictionary<Denom, UInt128> SumOfBalances(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var totals = Denom.All.ToDictionary(d => d, _ => UInt128.Zero);
        foreach (var (key, value) in state.Scan("bank/b"u8))
        {
            if (Denom.TryFromCode(key[^1], out var denom))
            {
                totals[denom] = checked(totals[denom] + BinaryPrimitives.ReadUInt128BigEndian(value));
            }
        }

        return totals;
    }

    /// <inheritdoc />
    /// <remarks>The supply invariant (<see cref="SupplyReport.Check"/>).</remarks>
    public override IEnumerable<string> CheckInvariants(IStateReader state) => SupplyReport.Check(state);

    private static TxResult HandleSend(ModuleContext context, SendMessage message)
    {
        var from = context.Signer ?? throw new InvalidOperationException("bank/send runs inside a transaction.");
        foreach (var amount in message.Amounts)
        {
            var result = Send(context, from, message.To, amount);
            if (!result.IsOk)
            {
                return result;
            }
        }

        return TxResult.Success();
    }

    private static TxResult Move(ModuleContext context, Address from, Address to, Amount amount, bool respectVesting)
    {
        ArgumentNullException.ThrowIfNull(context);
        var balance = GetBalance(context.State, from, amount.Denom);
        if (!balance.TrySubtract(amount, out var newFrom))
        {
            return TxResult.Fail(BankErrors.InsufficientFunds, $"{from} has {balance}, needs {amount}.");
        }

        if (respectVesting && amount.Denom == Denom.Phnx && Spendable(context, from, amount.Denom).Value < amount.Value)
        {
            return TxResult.Fail(BankErrors.LockedByVesting, $"{from} has {balance} but part of it is still vesting.");
        }

        if (from == to)
        {
            return TxResult.Success();
        }

        if (!GetBalance(context.State, to, amount.Denom).TryAdd(amount, out var newTo))
        {
            return TxResult.Fail(BankErrors.Overflow, $"{to}'s balance would overflow.");
        }

        SetBalance(context.State, from, newFrom);
        SetBalance(context.State, to, newTo);
        context.Emit("transfer", ("sender", from.ToString()), ("recipient", to.ToString()), ("amount", amount.ToString()));
        return TxResult.Success();
    }

    private static void SetBalance(StateCache state, Address address, Amount amount)
    {
        Span<byte> key = stackalloc byte[BalanceKeyLength];
        WriteBalanceKey(key, address, amount.Denom);
        if (amount.IsZero)
        {
            state.Delete(key);
            return;
        }

        Span<byte> v = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, amount.Value);
        state.Set(key, v);
    }

    private static void SetSupply(StateCache state, Amount supply)
    {
        Span<byte> v = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, supply.Value);
        state.Set(SupplyKey(supply.Denom), v);
    }

    private static void SetVesting(ModuleContext context, Address address, VestingSchedule v)
    {
        var wire = new WireVesting
        {
            Total = v.Total.ToString(CultureInfo.InvariantCulture),
            StartUnixSeconds = v.Start.Seconds,
            CliffUnixSeconds = v.Cliff.Seconds,
            EndUnixSeconds = v.End.Seconds,
        };
        context.State.Set(VestingKey(address), wire.ToByteArray());
    }

    /// <summary>The full state key of a balance (for queries and proofs).</summary>
    /// <param name="address">The account.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The key.</returns>
    public static byte[] BalanceKey(Address address, Denom denom)
    {
        var key = new byte[BalanceKeyLength];
        WriteBalanceKey(key, address, denom);
        return key;
    }

    private const int BalanceKeyLength = 6 + Address.Length + 1;

    private static void WriteBalanceKey(Span<byte> key, Address address, Denom denom)
    {
        "bank/b"u8.CopyTo(key);
        address.TryWriteBytes(key[6..]);
        key[^1] = denom.Code;
    }

    private static byte[] DelegationKey(Address address, bool vesting)
    {
        var key = new byte[6 + Address.Length];
        (vesting ? "bank/d"u8 : "bank/f"u8).CopyTo(key);
        address.TryWriteBytes(key.AsSpan(6));
        return key;
    }

    private static UInt128 ReadU128(StateCache state, byte[] key)
    {
        var v = state.Get(key);
        return v is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(v);
    }

    private static void WriteU128(StateCache state, byte[] key, UInt128 value)
    {
        if (value == UInt128.Zero)
        {
            state.Delete(key);
            return;
        }

        Span<byte> v = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, value);
        state.Set(key, v);
    }

    private static byte[] SupplyKey(Denom denom) => [.. "bank/s"u8, denom.Code];

    private static byte[] VestingKey(Address address)
    {
        var key = new byte[6 + Address.Length];
        "bank/v"u8.CopyTo(key);
        address.TryWriteBytes(key.AsSpan(6));
        return key;
    }
}
