using Google.Protobuf;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using WireSigningInfo = Phoenix.Protocol.Wire.State.SigningInfo;

namespace Phoenix.Protocol.Modules.Slashing;

/// <summary>Result codes of the slashing module (codespace <c>slashing</c>). Never reused.</summary>
public static class SlashingErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "slashing";

    /// <summary>The signer operates no validator.</summary>
    public static ResultCode NoValidator { get; } = new(Codespace, 1, "no_validator");

    /// <summary>The validator is not jailed.</summary>
    public static ResultCode NotJailed { get; } = new(Codespace, 2, "not_jailed");

    /// <summary>The jail period has not passed yet.</summary>
    public static ResultCode JailPeriodNotOver { get; } = new(Codespace, 3, "jail_period_not_over");

    /// <summary>The validator is tombstoned and can never unjail.</summary>
    public static ResultCode Tombstoned { get; } = new(Codespace, 4, "tombstoned");
}

/// <summary>Releases the signer's validator from jail (wire: <c>MsgUnjail</c>, type id 30).</summary>
public sealed record UnjailMessage : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "slashing/unjail";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
#pragma warning disable CA1822 // keeps the ToWire shape of every message
    public Message ToWire() => new() { Unjail = new MsgUnjail() };
#pragma warning restore CA1822

    internal static bool TryConvert(Message wire, out UnjailMessage? message, out string error)
    {
        message = new UnjailMessage();
        error = string.Empty;
        return true;
    }
}

/// <summary>
/// Slashing (DESIGN §4): double signing (<see cref="MisbehaviorType.DuplicateVote"/> and light-client
/// attacks reported by FinalizeBlock) slashes <see cref="Parameters.ChainParameters.DoubleSignSlash"/> and
/// tombstones; missing more than <see cref="Parameters.ChainParameters.DowntimeMaxMissed"/> of the last
/// <see cref="Parameters.ChainParameters.DowntimeWindowBlocks"/> blocks (from the decided last commit)
/// slashes <see cref="Parameters.ChainParameters.DowntimeSlash"/> and jails for
/// <see cref="Parameters.ChainParameters.DowntimeJailSeconds"/>. Delegators lose proportionally because
/// the slash lowers the validator's tokens, not their shares.
/// </summary>
/// <remarks>
/// State (under <c>slashing/</c>): <c>i+consensus address</c> → signing info (blocks counted and missed),
/// <c>b+consensus address+slot(8)</c> → marker for a missed block in ring slot <c>counted mod window</c>.
/// A validator is jailed as soon as its missed count in the window exceeds the limit (it does not have
/// to be in the set for a full window first); jailing resets its window.
/// </remarks>
public sealed class SlashingModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "slashing";

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<UnjailMessage>(Message.SumOneofCase.Unjail, UnjailMessage.Type, UnjailMessage.TryConvert, HandleUnjail, Name);
    }

    /// <inheritdoc />
    public override void BeginBlock(ModuleContext context, BlockInfo block)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(block);
        var p = context.Parameters;
        foreach (var vote in block.LastCommit.Votes)
        {
            var v = StakingModule.GetValidatorByConsensusAddress(context.State, vote.Validator.Address.Span);
            if (v is null || v.Jailed)
            {
                continue;
            }

            var cons = v.ConsensusAddress;
            var info = GetSigningInfo(context.State, cons);
            var slot = (ulong)(info.Counted % p.DowntimeWindowBlocks);
            var slotKey = ModuleWire.Concat(ModuleWire.Key("slashing/b"u8, cons), ModuleWire.U64(slot));
            var wasMissed = context.State.Get(slotKey) is not null;
            var missed = vote.Flag == BlockIdFlag.Absent;
            if (wasMissed && !missed)
            {
                info.Missed--;
                context.State.Delete(slotKey);
            }
            else if (!wasMissed && missed)
            {
                info.Missed++;
                context.State.Set(slotKey, [1]);
            }

            info.Counted++;
            if ((UInt128)(ulong)info.Missed * p.DowntimeMaxMissed.Denominator > (UInt128)(ulong)p.DowntimeWindowBlocks * p.DowntimeMaxMissed.Numerator)
            {
                StakingModule.Slash(context, v.Operator, p.DowntimeSlash, block.Height - 1);
                StakingModule.Jail(context, v.Operator, checked(context.Time.Seconds + p.DowntimeJailSeconds), tombstone: false);
                ResetWindow(context.State, cons);
                context.Emit("downtime", ("validator", v.Operator.ToString()));
                continue;
            }

            context.State.Set(ModuleWire.Key("slashing/i"u8, cons), info.ToByteArray());
        }
    }

    /// <inheritdoc />
    public override void HandleMisbehavior(ModuleContext context, Misbehavior misbehavior)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(misbehavior);
        if (misbehavior.Type is not (MisbehaviorType.DuplicateVote or MisbehaviorType.LightClientAttack))
        {
            return;
        }

        var v = StakingModule.GetValidatorByConsensusAddress(context.State, misbehavior.Validator.Address.Span);
        if (v is null || v.Tombstoned)
        {
            return;
        }

        StakingModule.Slash(context, v.Operator, context.Parameters.DoubleSignSlash, misbehavior.Height);
        StakingModule.Jail(context, v.Operator, long.MaxValue, tombstone: true);
        context.Emit("double_sign", ("validator", v.Operator.ToString()));
    }

    /// <summary>Blocks counted and missed in a validator's current window.</summary>
    /// <param name="state">State.</param>
    /// <param name="consensusAddress">The consensus address.</param>
    /// <returns>(counted, missed).</returns>
    public static (long Counted, long Missed) GetSigning(IStateReader state, Address consensusAddress)
    {
        var i = GetSigningInfo(state, consensusAddress);
        return (i.Counted, i.Missed);
    }

    private static TxResult HandleUnjail(ModuleContext context, UnjailMessage message)
    {
        var op = context.Signer ?? throw new InvalidOperationException("Unjail runs inside a transaction.");
        var v = StakingModule.GetValidator(context.State, op);
        if (v is null)
        {
            return TxResult.Fail(SlashingErrors.NoValidator, $"{op} operates no validator.");
        }

        if (v.Tombstoned)
        {
            return TxResult.Fail(SlashingErrors.Tombstoned, "A tombstoned validator can never unjail.");
        }

        if (!v.Jailed)
        {
            return TxResult.Fail(SlashingErrors.NotJailed, "The validator is not jailed.");
        }

        if (context.Time.Seconds < v.JailedUntil)
        {
            return TxResult.Fail(SlashingErrors.JailPeriodNotOver, $"Jailed until unix {v.JailedUntil}.");
        }

        StakingModule.Unjail(context, op);
        return TxResult.Success();
    }

    private static WireSigningInfo GetSigningInfo(IStateReader state, Address cons)
    {
        var bytes = state.Get(ModuleWire.Key("slashing/i"u8, cons));
        return bytes is null ? new WireSigningInfo() : WireSigningInfo.Parser.ParseFrom(bytes);
    }

    private static void ResetWindow(StateCache state, Address cons)
    {
        foreach (var (key, _) in state.Scan(ModuleWire.Key("slashing/b"u8, cons)))
        {
            state.Delete(key);
        }

        state.Delete(ModuleWire.Key("slashing/i"u8, cons));
    }
}
