using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Modules.Staking;

/// <summary>Result codes of the staking module (codespace <c>staking</c>). Never reused.</summary>
public static class StakingErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "staking";

    /// <summary>The signer already operates a validator.</summary>
    public static ResultCode ValidatorExists { get; } = new(Codespace, 1, "validator_exists");

    /// <summary>The consensus key is used by another validator.</summary>
    public static ResultCode ConsensusKeyInUse { get; } = new(Codespace, 2, "consensus_key_in_use");

    /// <summary>No validator with that operator address.</summary>
    public static ResultCode ValidatorNotFound { get; } = new(Codespace, 3, "validator_not_found");

    /// <summary>The delegation is smaller than the amount asked for (or absent).</summary>
    public static ResultCode InsufficientDelegation { get; } = new(Codespace, 4, "insufficient_delegation");

    /// <summary>The validator is tombstoned and accepts no new stake.</summary>
    public static ResultCode ValidatorTombstoned { get; } = new(Codespace, 5, "validator_tombstoned");

    /// <summary>The validator has delegator shares but no tokens left (fully slashed).</summary>
    public static ResultCode ValidatorInsolvent { get; } = new(Codespace, 6, "validator_insolvent");

    /// <summary>Source and destination of a redelegation are the same validator.</summary>
    public static ResultCode SelfRedelegation { get; } = new(Codespace, 7, "self_redelegation");

    /// <summary>The locked attestation stake is smaller than the amount asked for.</summary>
    public static ResultCode InsufficientLocked { get; } = new(Codespace, 8, "insufficient_locked");

    /// <summary>An amount overflowed 128 bits.</summary>
    public static ResultCode Overflow { get; } = new(Codespace, 9, "overflow");
}
