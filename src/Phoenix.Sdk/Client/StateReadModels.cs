using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client;

/// <summary>The on-chain PHNX/USD price as of one committed block (DESIGN §4 "Oracle").</summary>
/// <param name="IsValid">Whether fresh reports cover enough voting power for burn-to-mint to use the price.</param>
/// <param name="PriceMicroUsd">The stake-weighted median report in micro-USD per PHNX (0 when no report is fresh).</param>
/// <param name="CoveredPower">Voting power of the validators whose report is fresh.</param>
/// <param name="TotalPower">Voting power of the whole consensus set.</param>
/// <param name="Height">The committed height the price was read at.</param>
/// <param name="BlockTime">That block's time, against which report freshness is judged.</param>
/// <remarks>A burn in the next block is priced at that block's time, so a report can turn stale in between.</remarks>
public sealed record OraclePriceReading(bool IsValid, ulong PriceMicroUsd, UInt128 CoveredPower, UInt128 TotalPower, long Height, Timestamp BlockTime);

/// <summary>One delegation of a delegator.</summary>
/// <param name="Validator">The validator's operator address.</param>
/// <param name="Shares">The delegator's shares of the validator.</param>
/// <param name="Value">What the shares are worth now, in uphnx (after slashes).</param>
public sealed record DelegationInfo(Address Validator, UInt128 Shares, UInt128 Value);

/// <summary>One vote on a proposal in its voting period.</summary>
/// <param name="Voter">The voter.</param>
/// <param name="Option">The vote.</param>
/// <param name="Weight">The voter's bonded stake in uphnx at the answer's height (what the vote weighs if the tally ran then).</param>
public sealed record ProposalVoteInfo(Address Voter, GovernanceVote Option, UInt128 Weight);

/// <summary>A proposal's tally: the final one once voting ended, otherwise the votes so far weighed by current bonded stake.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Status">The proposal's status at the answer's height.</param>
/// <param name="IsFinal">Whether voting has ended and these are the recorded final counts (the chain deletes the individual votes then).</param>
/// <param name="Yes">uphnx voting yes.</param>
/// <param name="Abstain">uphnx abstaining.</param>
/// <param name="No">uphnx voting no.</param>
/// <param name="NoWithVeto">uphnx voting no with veto.</param>
/// <param name="TotalBonded">All bonded uphnx at the answer's height (the quorum's base while voting runs).</param>
/// <param name="Votes">The individual votes while voting runs (empty once final or before voting).</param>
/// <param name="Height">The committed height the tally was read at.</param>
public sealed record ProposalTally(
    ulong ProposalId,
    ProposalStatus Status,
    bool IsFinal,
    UInt128 Yes,
    UInt128 Abstain,
    UInt128 No,
    UInt128 NoWithVeto,
    UInt128 TotalBonded,
    IReadOnlyList<ProposalVoteInfo> Votes,
    long Height);
