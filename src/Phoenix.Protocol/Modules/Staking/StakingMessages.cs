using Google.Protobuf;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Staking;

/// <summary>Registers the signer as a validator operator (wire: <c>MsgCreateValidator</c>, type id 10).</summary>
/// <param name="ConsensusKey">The validator's Ed25519 consensus key.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code (upper case).</param>
/// <param name="CommissionBasisPoints">Commission on delegators' rewards (0-10,000).</param>
/// <param name="SelfDelegation">Self-delegation in uphnx (at least 1 PHNX).</param>
public sealed record CreateValidatorMessage(PublicKey ConsensusKey, string Jurisdiction, uint CommissionBasisPoints, UInt128 SelfDelegation) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "staking/create_validator";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new()
    {
        CreateValidator = new MsgCreateValidator
        {
            ConsensusPublicKey = ByteString.CopyFrom(ConsensusKey.ToArray()),
            Jurisdiction = Jurisdiction,
            CommissionBps = CommissionBasisPoints,
            SelfDelegation = ModuleWire.Dec(SelfDelegation),
        },
    };

    internal static bool TryConvert(Message wire, out CreateValidatorMessage? message, out string error)
    {
        message = null;
        var m = wire.CreateValidator;
        if (m.ConsensusPublicKey.Length != PublicKey.Length)
        {
            error = "consensus_public_key must be 32 bytes.";
            return false;
        }

        if (!Iso3166.IsAssigned(m.Jurisdiction))
        {
            error = "jurisdiction must be an assigned ISO 3166-1 alpha-2 code in upper case.";
            return false;
        }

        if (m.CommissionBps > 10_000)
        {
            error = "commission_bps must be at most 10000.";
            return false;
        }

        if (!ModuleWire.TryPositive(m.SelfDelegation, out var self) || self < Denom.UnitsPerToken)
        {
            error = "self_delegation must be a canonical amount of at least 1 PHNX (1000000 uphnx).";
            return false;
        }

        message = new CreateValidatorMessage(new PublicKey(m.ConsensusPublicKey.Span), m.Jurisdiction, m.CommissionBps, self);
        error = string.Empty;
        return true;
    }
}

/// <summary>Bonds the signer's PHNX to a validator (wire: <c>MsgDelegate</c>, type id 11). Vesting PHNX may be delegated.</summary>
/// <param name="Validator">The validator's operator address.</param>
/// <param name="Amount">uphnx to bond.</param>
public sealed record DelegateMessage(Address Validator, UInt128 Amount) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "staking/delegate";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { Delegate = new MsgDelegate { Validator = Validator.ToString(), Amount = ModuleWire.Dec(Amount) } };

    internal static bool TryConvert(Message wire, out DelegateMessage? message, out string error)
    {
        message = null;
        if (!ModuleWire.TryAddress(wire.Delegate.Validator, out var v) || !ModuleWire.TryPositive(wire.Delegate.Amount, out var a))
        {
            error = "validator must be a phx address and amount a canonical, non-zero uphnx amount.";
            return false;
        }

        message = new DelegateMessage(v, a);
        error = string.Empty;
        return true;
    }
}

/// <summary>Starts unbonding the signer's PHNX from a validator (wire: <c>MsgUndelegate</c>, type id 12).</summary>
/// <param name="Validator">The validator's operator address.</param>
/// <param name="Amount">uphnx to unbond.</param>
public sealed record UndelegateMessage(Address Validator, UInt128 Amount) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "staking/undelegate";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { Undelegate = new MsgUndelegate { Validator = Validator.ToString(), Amount = ModuleWire.Dec(Amount) } };

    internal static bool TryConvert(Message wire, out UndelegateMessage? message, out string error)
    {
        message = null;
        if (!ModuleWire.TryAddress(wire.Undelegate.Validator, out var v) || !ModuleWire.TryPositive(wire.Undelegate.Amount, out var a))
        {
            error = "validator must be a phx address and amount a canonical, non-zero uphnx amount.";
            return false;
        }

        message = new UndelegateMessage(v, a);
        error = string.Empty;
        return true;
    }
}

/// <summary>Moves the signer's bonded PHNX between validators at once (wire: <c>MsgRedelegate</c>, type id 13).</summary>
/// <param name="Source">The source validator.</param>
/// <param name="Destination">The destination validator.</param>
/// <param name="Amount">uphnx to move.</param>
public sealed record RedelegateMessage(Address Source, Address Destination, UInt128 Amount) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "staking/redelegate";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new()
    {
        Redelegate = new MsgRedelegate { SourceValidator = Source.ToString(), DestinationValidator = Destination.ToString(), Amount = ModuleWire.Dec(Amount) },
    };

    internal static bool TryConvert(Message wire, out RedelegateMessage? message, out string error)
    {
        message = null;
        var m = wire.Redelegate;
        if (!ModuleWire.TryAddress(m.SourceValidator, out var s) || !ModuleWire.TryAddress(m.DestinationValidator, out var d)
            || !ModuleWire.TryPositive(m.Amount, out var a))
        {
            error = "validators must be phx addresses and amount a canonical, non-zero uphnx amount.";
            return false;
        }

        message = new RedelegateMessage(s, d, a);
        error = string.Empty;
        return true;
    }
}
