using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client.Internal;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>Lists every validator (bonded, unbonded, jailed or tombstoned) at the node's latest committed height.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validators in operator-address order.</returns>
    /// <remarks>With a <see cref="ITrustedAppHashSource"/>, each listed validator is checked against its proof and the
    /// trusted app hash; a state tree over hashed keys cannot prove that the node listed every validator.</remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<ValidatorInfo>> GetValidatorsAsync(CancellationToken cancellationToken = default) =>
        ReadConsistentAsync(
            async read =>
            {
                await read.PrefixAsync(StateKeys.Validators).ConfigureAwait(false);
                return Decode(() => StakingModule.GetValidators(read.State), "validator");
            },
            cancellationToken);

    /// <summary>Reads one validator at the node's latest committed height.</summary>
    /// <param name="operatorAddress">The validator's operator address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validator, or <see langword="null"/> when none is registered for that operator (proven absent with a trusted app hash source).</returns>
    /// <exception cref="LightClientVerificationException">The record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">The record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ValidatorInfo?> GetValidatorAsync(Address operatorAddress, CancellationToken cancellationToken = default) =>
        ReadConsistentAsync(
            async read =>
            {
                await read.FetchAsync([StateKeys.Validator(operatorAddress)]).ConfigureAwait(false);
                return Decode(() => StakingModule.GetValidator(read.State, operatorAddress), "validator");
            },
            cancellationToken);

    /// <summary>Lists a delegator's delegations with their shares and current value, at the node's latest committed height.</summary>
    /// <param name="delegator">The delegator (an operator's self-delegation is included).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The delegations in validator-address order (empty when there are none).</returns>
    /// <remarks>With a <see cref="ITrustedAppHashSource"/>, the delegator's index entries, each delegation and each
    /// validator (its tokens and shares give the value) are checked against their proofs at one height; the index
    /// is listed by prefix, so a node could leave a delegation out but not invent or alter one.</remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused a query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<DelegationInfo>> GetDelegationsAsync(Address delegator, CancellationToken cancellationToken = default) =>
        ReadConsistentAsync<IReadOnlyList<DelegationInfo>>(
            async read =>
            {
                var index = await read.PrefixAsync(StateKeys.DelegationsOf(delegator)).ConfigureAwait(false);
                var validators = index.Select(e => StateKeys.TrailingAddress(e.Key)).ToList();
                await read.FetchAsync([.. validators.SelectMany(v => new[] { StateKeys.Delegation(v, delegator), StateKeys.Validator(v) })]).ConfigureAwait(false);
                return [.. validators.Select(v => Decode(
                    () => new DelegationInfo(v, StakingModule.DelegationShares(read.State, v, delegator), StakingModule.DelegationValue(read.State, v, delegator)),
                    "delegation"))];
            },
            cancellationToken);

    /// <summary>Lists a delegator's unbondings in progress (PHNX that pays out at <see cref="UnbondingInfo.Completion"/>), at the node's latest committed height.</summary>
    /// <param name="delegator">The delegator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The delegator's entries in completion order (empty when there are none).</returns>
    /// <remarks>The chain keys unbondings by completion time, so this lists every unbonding on the chain and keeps the
    /// delegator's; with a <see cref="ITrustedAppHashSource"/> each is checked against its proof (a node could leave
    /// one out but not invent or alter one).</remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query (for example more unbondings than one answer holds).</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IReadOnlyList<UnbondingInfo>> GetUnbondingsAsync(Address delegator, CancellationToken cancellationToken = default) =>
        ReadConsistentAsync<IReadOnlyList<UnbondingInfo>>(
            async read =>
            {
                await read.PrefixAsync(StateKeys.Unbondings).ConfigureAwait(false);
                return [.. Decode(() => StakingModule.GetUnbondings(read.State), "unbonding").Where(u => u.Delegator == delegator)];
            },
            cancellationToken);
}
