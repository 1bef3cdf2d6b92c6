using System.Buffers.Binary;
using System.Globalization;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Sdk.Client.Internal;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>Reads one governance proposal at the node's latest committed height.</summary>
    /// <param name="proposalId">The proposal id (from 1).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The proposal, or <see langword="null"/> when there is none with that id (proven absent with a trusted app hash source).</returns>
    /// <exception cref="LightClientVerificationException">The record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">The record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ProposalInfo?> GetProposalAsync(ulong proposalId, CancellationToken cancellationToken = default) =>
        ReadConsistentAsync(
            async read =>
            {
                await read.FetchAsync([StateKeys.Proposal(proposalId)]).ConfigureAwait(false);
                return Decode(() => GovernanceModule.GetProposal(read.State, proposalId), "proposal");
            },
            cancellationToken);

    /// <summary>Lists every governance proposal (open and decided) at the node's latest committed height.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The proposals in id order.</returns>
    /// <remarks>With a <see cref="ITrustedAppHashSource"/>, each listed proposal is checked against its proof; a node
    /// could leave one out but not invent or alter one (read a known id with <see cref="GetProposalAsync"/> to prove its absence).</remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<ProposalInfo>> GetProposalsAsync(CancellationToken cancellationToken = default) =>
        ReadConsistentAsync<IReadOnlyList<ProposalInfo>>(
            async read =>
            {
                var entries = await read.PrefixAsync(StateKeys.Proposals).ConfigureAwait(false);
                return [.. entries.Select(e => e.Key.Length == StateKeys.Proposals.Length + 8
                    ? Decode(() => GovernanceModule.GetProposal(read.State, BinaryPrimitives.ReadUInt64BigEndian(e.Key.AsSpan(StateKeys.Proposals.Length)))!, "proposal")
                    : throw new PhoenixProtocolViolationException("a proposal key is not 'gov/p' and an 8-byte id"))];
            },
            cancellationToken);

    /// <summary>
    /// Reads a proposal's tally at the node's latest committed height: the recorded final counts once voting ended,
    /// otherwise every vote so far weighed by the voter's bonded stake now (what the tally would count if voting ended at this height).
    /// </summary>
    /// <param name="proposalId">The proposal id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tally, or <see langword="null"/> when there is no proposal with that id.</returns>
    /// <remarks>With a <see cref="ITrustedAppHashSource"/>, the proposal, each vote, each voter's delegations and every
    /// validator are checked against their proofs at one height. Votes, delegations and validators are listed by
    /// prefix, so a node could leave one out but not invent or alter one.</remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused a query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ProposalTally?> GetProposalTallyAsync(ulong proposalId, CancellationToken cancellationToken = default) =>
        ReadConsistentAsync(
            async read =>
            {
                await read.FetchAsync([StateKeys.Proposal(proposalId)]).ConfigureAwait(false);
                var proposal = Decode(() => GovernanceModule.GetProposal(read.State, proposalId), "proposal");
                if (proposal is null)
                {
                    return null;
                }

                await read.PrefixAsync(StateKeys.Validators).ConfigureAwait(false);
                var totalBonded = Decode(() => StakingModule.TotalBonded(read.State), "validator");
                if (proposal.Status is not ProposalStatus.DepositPeriod and not ProposalStatus.VotingPeriod)
                {
                    var counts = ParseFinalTally(proposal.FinalTally);
                    return new ProposalTally(proposalId, proposal.Status, true, counts[0], counts[1], counts[2], counts[3], totalBonded, [], read.State.Height);
                }

                var votes = await read.PrefixAsync(StateKeys.Votes(proposalId)).ConfigureAwait(false);
                var list = new List<ProposalVoteInfo>();
                UInt128 yes = 0, abstain = 0, no = 0, veto = 0;
                foreach (var (key, value) in votes)
                {
                    if (value.Length != 1 || !Enum.IsDefined((GovernanceVote)value[0]))
                    {
                        throw new PhoenixProtocolViolationException("a vote record is not one defined option byte");
                    }

                    var voter = StateKeys.TrailingAddress(key);
                    var index = await read.PrefixAsync(StateKeys.DelegationsOf(voter)).ConfigureAwait(false);
                    await read.FetchAsync([.. index.Select(e => StateKeys.Delegation(StateKeys.TrailingAddress(e.Key), voter))]).ConfigureAwait(false);
                    var weight = Decode(() => StakingModule.BondedStake(read.State, voter), "delegation");
                    var option = (GovernanceVote)value[0];
                    list.Add(new ProposalVoteInfo(voter, option, weight));
                    switch (option)
                    {
                        case GovernanceVote.Yes: yes += weight; break;
                        case GovernanceVote.Abstain: abstain += weight; break;
                        case GovernanceVote.No: no += weight; break;
                        default: veto += weight; break;
                    }
                }

                return new ProposalTally(proposalId, proposal.Status, false, yes, abstain, no, veto, totalBonded, list, read.State.Height);
            },
            cancellationToken);

    private static UInt128[] ParseFinalTally(string text)
    {
        var parts = text.Split('/');
        var counts = new UInt128[4];
        if (parts.Length != 4 || !parts.Select((p, i) => UInt128.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out counts[i])).All(ok => ok))
        {
            throw new PhoenixProtocolViolationException($"the final tally '{text}' is not four amounts separated by '/'");
        }

        return counts;
    }
}
