namespace Phoenix.Devnet.Reporting;

/// <summary>The settlement of a devnet run (also printed as JSON with <c>--headless --json</c>). Amounts are base units (10^-6).</summary>
public sealed record DevnetSummary
{
    /// <summary>The chain id.</summary>
    public required string ChainId { get; init; }

    /// <summary>Whether the job settled (every unit final, results verified, bTASK redeemed, a buy-back after the last payout).</summary>
    public required bool Completed { get; init; }

    /// <summary>Which backend ran the job and how to reach it.</summary>
    public required NetworkSummary Network { get; init; }

    /// <summary>The last height.</summary>
    public required long Height { get; init; }

    /// <summary>Chain seconds from genesis to the last block (virtual on the default backend, wall-clock on the live one).</summary>
    public required long ChainSeconds { get; init; }

    /// <summary>Wall-clock seconds the run took.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Units in the job.</summary>
    public required int Units { get; init; }

    /// <summary>Units finalized and paid.</summary>
    public required int UnitsFinalized { get; init; }

    /// <summary>Units refunded to the buyer.</summary>
    public required int UnitsRefunded { get; init; }

    /// <summary>Embeddings the buyer downloaded and proved against the batch roots.</summary>
    public required int ResultsVerified { get; init; }

    /// <summary>Per-participant settlement.</summary>
    public required IReadOnlyList<ParticipantSummary> Participants { get; init; }

    /// <summary>Every slash, in order.</summary>
    public required IReadOnlyList<SlashSummary> Slashes { get; init; }

    /// <summary>Every dispute and how it ended.</summary>
    public required IReadOnlyList<DisputeSummary> Disputes { get; init; }

    /// <summary>Token flows.</summary>
    public required FlowSummary Flows { get; init; }

    /// <summary>The supply and state invariants.</summary>
    public required InvariantSummary Invariants { get; init; }

    /// <summary>Transactions that failed on chain (code and log), for diagnosis.</summary>
    public required IReadOnlyList<string> FailedTransactions { get; init; }
}

/// <summary>One participant.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Role">buyer, miner, cheater, validator, auditor or market-maker.</param>
/// <param name="Address">bech32 address.</param>
/// <param name="UnitsPaid">Units it was paid for (miners).</param>
/// <param name="BTaskMinted">ubtask minted to it.</param>
/// <param name="SparkRedeemed">uspark it redeemed bTASK for.</param>
/// <param name="Phnx">Final uphnx balance.</param>
/// <param name="Spark">Final uspark balance.</param>
/// <param name="BTask">Final ubtask balance.</param>
/// <param name="Slashed">Times it was slashed.</param>
public sealed record ParticipantSummary(string Name, string Role, string Address, int UnitsPaid, string BTaskMinted, string SparkRedeemed, string Phnx, string Spark, string BTask, int Slashed);

/// <summary>A slash.</summary>
/// <param name="DisputeId">The dispute.</param>
/// <param name="Who">Who lost the stake (name).</param>
/// <param name="Amount">The amount with its denomination.</param>
/// <param name="To">Who received it (name).</param>
public sealed record SlashSummary(ulong DisputeId, string Who, string Amount, string To);

/// <summary>A dispute.</summary>
/// <param name="DisputeId">The dispute.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Verdict">upheld, overturned or void.</param>
/// <param name="Reason">How it was decided.</param>
public sealed record DisputeSummary(ulong DisputeId, uint Unit, string Verdict, string Reason);

/// <summary>Token flows over the run (base units, as decimal strings).</summary>
/// <param name="PhnxBurnedByMinting">uphnx burned for SPARK.</param>
/// <param name="SparkMinted">uspark minted by those burns.</param>
/// <param name="SparkPaidToMiners">uspark paid out of escrow for redeemed bTASK.</param>
/// <param name="BTaskMinted">ubtask minted to miners.</param>
/// <param name="BTaskRedeemed">ubtask burned by redemption.</param>
/// <param name="FeesToAttesters">uspark of task fees paid to attesters.</param>
/// <param name="FeesToBuyBack">uspark of task fees paid into the buy-back pool.</param>
/// <param name="BuyBackEpochs">Buy-back auctions settled.</param>
/// <param name="BuyBackSparkSpent">uspark the pool spent.</param>
/// <param name="PhnxBurnedByBuyBack">uphnx bought and burned.</param>
public sealed record FlowSummary(string PhnxBurnedByMinting, string SparkMinted, string SparkPaidToMiners, string BTaskMinted, string BTaskRedeemed,
    string FeesToAttesters, string FeesToBuyBack, int BuyBackEpochs, string BuyBackSparkSpent, string PhnxBurnedByBuyBack);

/// <summary>Invariant checks at the end of the run.</summary>
/// <param name="Intact">Whether every check passed.</param>
/// <param name="Checks">Each check and its result.</param>
public sealed record InvariantSummary(bool Intact, IReadOnlyList<InvariantCheck> Checks);

/// <summary>One invariant check.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Ok">Whether it holds.</param>
/// <param name="Detail">The numbers behind it.</param>
public sealed record InvariantCheck(string Name, bool Ok, string Detail);

/// <summary>The network the job ran on.</summary>
/// <param name="Clock"><c>virtual</c> (in-process simulated network, the default) or <c>live</c> (real nodes on loopback gRPC, wall clock).</param>
/// <param name="Endpoints">Each validator's gRPC endpoint (empty on the virtual backend).</param>
/// <param name="Homes">Each validator's data or home directory (deleted at exit unless <c>--data-dir</c> was given).</param>
/// <param name="AccountsFile">The file listing the funded guest accounts and their mnemonics (live backend), or null.</param>
/// <param name="ChallengeWindowSeconds">The shortened challenge window.</param>
/// <param name="DisputeMoveTimeoutSeconds">The shortened dispute move timeout.</param>
/// <param name="BuyBackEpochSeconds">The shortened buy-back epoch.</param>
public sealed record NetworkSummary(string Clock, IReadOnlyList<string> Endpoints, IReadOnlyList<string> Homes, string? AccountsFile,
    long ChallengeWindowSeconds, long DisputeMoveTimeoutSeconds, long BuyBackEpochSeconds);
