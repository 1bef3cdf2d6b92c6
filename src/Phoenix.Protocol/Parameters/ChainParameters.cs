namespace Phoenix.Protocol.Parameters;

/// <summary>
/// The consensus parameters of DESIGN §4: immutable values set at genesis and changed only by
/// governance. Every number here is consensus-critical (unlike node options, which are local).
/// Durations are in seconds; ratios are exact fractions.
/// </summary>
public sealed record ChainParameters
{
    /// <summary>The DESIGN §4 defaults.</summary>
    public static ChainParameters Default { get; } = new();

    // Transactions
    /// <summary>Maximum encoded transaction size in bytes. <value>Default 65,536.</value></summary>
    public int MaxTxBytes { get; init; } = 64 * 1024;

    /// <summary>Maximum messages per transaction. <value>Default 32.</value></summary>
    public int MaxMessagesPerTx { get; init; } = 32;

    /// <summary>Maximum memo length in UTF-8 bytes. <value>Default 256.</value></summary>
    public int MaxMemoBytes { get; init; } = 256;

    // Tasks
    /// <summary>Task fee rate on top of units × price. <value>Default 5 %.</value></summary>
    public Ratio TaskFeeRate { get; init; } = Ratio.FromBasisPoints(500);

    /// <summary>Miner claim bond as a share of the unit price (SPARK). <value>Default 10 %.</value></summary>
    public Ratio ClaimBondRate { get; init; } = Ratio.FromBasisPoints(1000);

    /// <summary>Attested PHNX stake must be worth at least this multiple of the unit price. <value>Default 2.</value></summary>
    public Ratio AttestationStakeMultiple { get; init; } = new(2, 1);

    /// <summary>Challenge window after the required attestations. <value>Default 2 hours.</value></summary>
    public long ChallengeWindowSeconds { get; init; } = 2 * 3600;

    /// <summary>Stake-weighted dispute vote duration. <value>Default 24 hours.</value></summary>
    public long DisputeVotingSeconds { get; init; } = 24 * 3600;

    /// <summary>Dispute vote quorum. <value>Default 33.4 %.</value></summary>
    public Ratio DisputeQuorum { get; init; } = Ratio.FromBasisPoints(3340);

    /// <summary>Time each side has for a move of the re-execution game (and the committee for its reports). <value>Default 1 hour.</value></summary>
    public long DisputeMoveTimeoutSeconds { get; init; } = 3600;

    /// <summary>Share of each task fee paid to attesters. <value>Default 85 %.</value></summary>
    public Ratio AttesterFeeShare { get; init; } = Ratio.FromBasisPoints(8500);

    /// <summary>Share of each task fee sent to the buy-back pool. <value>Default 15 %.</value></summary>
    public Ratio BuyBackFeeShare { get; init; } = Ratio.FromBasisPoints(1500);

    /// <summary>Buy-back auction epoch. <value>Default 1 hour.</value></summary>
    public long BuyBackEpochSeconds { get; init; } = 3600;

    // Oracle and burn-to-mint
    /// <summary>Reports must cover at least this share of voting power. <value>Default 2/3.</value></summary>
    public Ratio OracleMinCoverage { get; init; } = new(2, 3);

    /// <summary>A price older than this is stale (stops minting). <value>Default 10 minutes.</value></summary>
    public long OracleStalenessSeconds { get; init; } = 600;

    /// <summary>Per-day SPARK mint cap in uspark (circuit breaker). <value>Default 10,000,000 SPARK.</value></summary>
    public UInt128 DailyMintCapUspark { get; init; } = (UInt128)10_000_000 * 1_000_000;

    // Staking and slashing
    /// <summary>Size of the active validator set. <value>Default 100.</value></summary>
    public int MaxValidators { get; init; } = 100;

    /// <summary>No validator's voting power may exceed this share. <value>Default 10 %.</value></summary>
    public Ratio ValidatorPowerCap { get; init; } = Ratio.FromBasisPoints(1000);

    /// <summary>A jurisdiction's total power must stay strictly below this share. <value>Default 1/3.</value></summary>
    public Ratio JurisdictionPowerCap { get; init; } = new(1, 3);

    /// <summary>Unbonding period. <value>Default 21 days.</value></summary>
    public long UnbondingSeconds { get; init; } = 21 * 24 * 3600;

    /// <summary>Double-sign slash. <value>Default 5 %.</value></summary>
    public Ratio DoubleSignSlash { get; init; } = Ratio.FromBasisPoints(500);

    /// <summary>Downtime window in blocks. <value>Default 10,000.</value></summary>
    public long DowntimeWindowBlocks { get; init; } = 10_000;

    /// <summary>Jailed when missing more than this share of the window. <value>Default 1/2.</value></summary>
    public Ratio DowntimeMaxMissed { get; init; } = new(1, 2);

    /// <summary>Downtime slash. <value>Default 0.01 %.</value></summary>
    public Ratio DowntimeSlash { get; init; } = Ratio.FromBasisPoints(1);

    /// <summary>How long a validator jailed for downtime stays jailed before it may unjail. <value>Default 10 minutes.</value></summary>
    public long DowntimeJailSeconds { get; init; } = 600;

    // Governance
    /// <summary>How long a proposal may collect its minimum deposit. <value>Default 7 days.</value></summary>
    public long DepositPeriodSeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Minimum proposal deposit in uphnx. <value>Default 10,000 PHNX.</value></summary>
    public UInt128 MinGovernanceDepositUphnx { get; init; } = (UInt128)10_000 * 1_000_000;

    /// <summary>Voting period. <value>Default 7 days.</value></summary>
    public long VotingPeriodSeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Quorum. <value>Default 33.4 %.</value></summary>
    public Ratio GovernanceQuorum { get; init; } = Ratio.FromBasisPoints(3340);

    /// <summary>Pass threshold of non-abstaining votes. <value>Default 50 %.</value></summary>
    public Ratio GovernanceThreshold { get; init; } = Ratio.FromBasisPoints(5000);

    /// <summary>Veto threshold. <value>Default 33.4 %.</value></summary>
    public Ratio GovernanceVeto { get; init; } = Ratio.FromBasisPoints(3340);

    /// <summary>Checks internal consistency (positive limits, ratios with non-zero denominators, shares at most 1).</summary>
    /// <returns>The problems found, empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxTxBytes <= 0) errors.Add("MaxTxBytes must be positive.");
        if (MaxMessagesPerTx <= 0) errors.Add("MaxMessagesPerTx must be positive.");
        if (MaxMemoBytes < 0) errors.Add("MaxMemoBytes must not be negative.");
        if (MaxValidators <= 0) errors.Add("MaxValidators must be positive.");
        foreach (var (name, ratio, atMostOne) in new[]
        {
            (nameof(TaskFeeRate), TaskFeeRate, false), (nameof(ClaimBondRate), ClaimBondRate, true),
            (nameof(AttestationStakeMultiple), AttestationStakeMultiple, false), (nameof(DisputeQuorum), DisputeQuorum, true),
            (nameof(AttesterFeeShare), AttesterFeeShare, true), (nameof(BuyBackFeeShare), BuyBackFeeShare, true),
            (nameof(OracleMinCoverage), OracleMinCoverage, true), (nameof(ValidatorPowerCap), ValidatorPowerCap, true),
            (nameof(JurisdictionPowerCap), JurisdictionPowerCap, true), (nameof(DoubleSignSlash), DoubleSignSlash, true),
            (nameof(DowntimeMaxMissed), DowntimeMaxMissed, true), (nameof(DowntimeSlash), DowntimeSlash, true),
            (nameof(GovernanceQuorum), GovernanceQuorum, true), (nameof(GovernanceThreshold), GovernanceThreshold, true),
            (nameof(GovernanceVeto), GovernanceVeto, true),
        })
        {
            if (ratio.Denominator == 0) errors.Add($"{name} has a zero denominator.");
            else if (atMostOne && ratio.Numerator > ratio.Denominator) errors.Add($"{name} must be at most 1.");
        }

        if (AttesterFeeShare.Denominator != 0 && BuyBackFeeShare.Denominator != 0
            && ((UInt128)AttesterFeeShare.Numerator * BuyBackFeeShare.Denominator) + ((UInt128)BuyBackFeeShare.Numerator * AttesterFeeShare.Denominator)
               != (UInt128)AttesterFeeShare.Denominator * BuyBackFeeShare.Denominator)
        {
            errors.Add("AttesterFeeShare and BuyBackFeeShare must add up to 1.");
        }

        if (ChallengeWindowSeconds <= 0 || UnbondingSeconds <= 0 || VotingPeriodSeconds <= 0 || OracleStalenessSeconds <= 0
            || DisputeVotingSeconds <= 0 || DowntimeJailSeconds <= 0 || DepositPeriodSeconds <= 0 || DisputeMoveTimeoutSeconds <= 0 || BuyBackEpochSeconds <= 0 || DowntimeWindowBlocks <= 0)
        {
            errors.Add("Durations and windows must be positive.");
        }

        return errors;
    }
}
