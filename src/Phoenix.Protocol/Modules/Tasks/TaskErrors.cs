using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>Result codes of the task market (codespace <c>tasks</c>). Codes are never reused.</summary>
public static class TaskErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "tasks";

    /// <summary>The workload kind is empty, longer than 32 characters or not printable ASCII.</summary>
    public static ResultCode InvalidWorkloadKind { get; } = new(Codespace, 1, "invalid_workload_kind");

    /// <summary>A content id (model, inputs, output, trace root, results root, leaf) is not 32 bytes.</summary>
    public static ResultCode InvalidContentId { get; } = new(Codespace, 2, "invalid_content_id");

    /// <summary>The verification policy is unspecified, or tolerances are set for an exact policy.</summary>
    public static ResultCode InvalidPolicy { get; } = new(Codespace, 3, "invalid_policy");

    /// <summary>The unit count is zero or above the maximum.</summary>
    public static ResultCode InvalidUnits { get; } = new(Codespace, 4, "invalid_units");

    /// <summary>The price per unit is not a canonical, non-zero amount.</summary>
    public static ResultCode InvalidPrice { get; } = new(Codespace, 5, "invalid_price");

    /// <summary>The required attestations are zero or above the maximum.</summary>
    public static ResultCode InvalidAttestationsRequired { get; } = new(Codespace, 6, "invalid_attestations_required");

    /// <summary>The deadline is not in the future (block time).</summary>
    public static ResultCode InvalidDeadline { get; } = new(Codespace, 7, "invalid_deadline");

    /// <summary>The claim duration is not positive or above the maximum.</summary>
    public static ResultCode InvalidClaimDuration { get; } = new(Codespace, 8, "invalid_claim_duration");

    /// <summary>Escrow or bond arithmetic overflowed 128 bits.</summary>
    public static ResultCode AmountOverflow { get; } = new(Codespace, 9, "amount_overflow");

    /// <summary>No task with that id.</summary>
    public static ResultCode TaskNotFound { get; } = new(Codespace, 10, "task_not_found");

    /// <summary>Only the task's buyer may do this.</summary>
    public static ResultCode NotBuyer { get; } = new(Codespace, 11, "not_buyer");

    /// <summary>The task is cancelled or past its deadline.</summary>
    public static ResultCode TaskClosed { get; } = new(Codespace, 12, "task_closed");

    /// <summary>The unit range is empty, too long, or outside the task.</summary>
    public static ResultCode InvalidUnitRange { get; } = new(Codespace, 13, "invalid_unit_range");

    /// <summary>A unit of the range is not open.</summary>
    public static ResultCode UnitNotOpen { get; } = new(Codespace, 14, "unit_not_open");

    /// <summary>No batch with that id.</summary>
    public static ResultCode BatchNotFound { get; } = new(Codespace, 15, "batch_not_found");

    /// <summary>Only the batch's miner may do this.</summary>
    public static ResultCode NotMiner { get; } = new(Codespace, 16, "not_miner");

    /// <summary>The batch is not in the state this message needs.</summary>
    public static ResultCode WrongBatchState { get; } = new(Codespace, 17, "wrong_batch_state");

    /// <summary>The claim expired before the submission.</summary>
    public static ResultCode ClaimExpired { get; } = new(Codespace, 18, "claim_expired");

    /// <summary>The attested root differs from the submitted one.</summary>
    public static ResultCode RootMismatch { get; } = new(Codespace, 19, "root_mismatch");

    /// <summary>The signer is not a bonded validator (or staker, for votes).</summary>
    public static ResultCode NotBonded { get; } = new(Codespace, 20, "not_bonded");

    /// <summary>The miner cannot attest its own batch.</summary>
    public static ResultCode SelfAttestation { get; } = new(Codespace, 21, "self_attestation");

    /// <summary>The signer already attested this batch (or already voted or reported in this dispute).</summary>
    public static ResultCode AlreadyDone { get; } = new(Codespace, 22, "already_done");

    /// <summary>The oracle price is missing or stale.</summary>
    public static ResultCode PriceUnavailable { get; } = new(Codespace, 23, "price_unavailable");

    /// <summary>The attested stake is worth less than the required multiple of the batch's value.</summary>
    public static ResultCode StakeTooLow { get; } = new(Codespace, 24, "stake_too_low");

    /// <summary>The attester's unlocked bonded stake is smaller than the stake offered.</summary>
    public static ResultCode InsufficientStake { get; } = new(Codespace, 25, "insufficient_stake");

    /// <summary>The challenge window is closed.</summary>
    public static ResultCode ChallengeWindowClosed { get; } = new(Codespace, 26, "challenge_window_closed");

    /// <summary>The unit is not part of the batch.</summary>
    public static ResultCode UnitNotInBatch { get; } = new(Codespace, 27, "unit_not_in_batch");

    /// <summary>The unit is already disputed.</summary>
    public static ResultCode AlreadyDisputed { get; } = new(Codespace, 28, "already_disputed");

    /// <summary>A Merkle proof does not verify.</summary>
    public static ResultCode InvalidProof { get; } = new(Codespace, 29, "invalid_proof");

    /// <summary>The challenger's trace commitment is missing, has no length, or equals the miner's.</summary>
    public static ResultCode InvalidTraceClaim { get; } = new(Codespace, 30, "invalid_trace_claim");

    /// <summary>No dispute with that id.</summary>
    public static ResultCode DisputeNotFound { get; } = new(Codespace, 31, "dispute_not_found");

    /// <summary>The dispute is not in the phase this message needs, or it is not the signer's turn.</summary>
    public static ResultCode WrongDisputePhase { get; } = new(Codespace, 32, "wrong_dispute_phase");

    /// <summary>The bisection move names another index than the one the game asks for.</summary>
    public static ResultCode WrongIndex { get; } = new(Codespace, 33, "wrong_index");

    /// <summary>The amount is zero or not canonical.</summary>
    public static ResultCode InvalidAmount { get; } = new(Codespace, 34, "invalid_amount");

    /// <summary>The signer's bTASK was not earned in the market (or is already redeemed).</summary>
    public static ResultCode NotRedeemable { get; } = new(Codespace, 35, "not_redeemable");

    /// <summary>The batch would exceed the maximum units per batch.</summary>
    public static ResultCode BatchTooLarge { get; } = new(Codespace, 36, "batch_too_large");
}
