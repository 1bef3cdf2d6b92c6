using System.Text.Json;
using Phoenix.Protocol.Modules.Distribution;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Slashing;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Sdk.Client.Internal;
using Phoenix.Sdk.Transactions;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>
    /// Burns PHNX and mints SPARK at the oracle price (DESIGN §4 "Burn to mint"), refusing to mint less than
    /// <paramref name="minSparkOut"/> (the slippage guard: the chain checks it when the burn executes).
    /// </summary>
    /// <param name="wallet">The burner; receives the SPARK.</param>
    /// <param name="phnx">The PHNX to burn (non-zero, in PHNX).</param>
    /// <param name="minSparkOut">The least SPARK the burn may mint (in SPARK); the transaction fails, burning nothing, below it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result (the <c>burn_for_spark</c> event says how much was minted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="phnx"/> is zero or not PHNX, or <paramref name="minSparkOut"/> is not SPARK.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused the burn: <see cref="MintErrors.SlippageExceeded"/> (price below the guard),
    /// <see cref="MintErrors.OracleUnavailable"/> (stale oracle), <see cref="MintErrors.DailyCapExceeded"/>, or insufficient funds.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> BurnForSparkAsync(Wallet wallet, Amount phnx, Amount minSparkOut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        RequireDenom(phnx, Denom.Phnx, nameof(phnx), nonZero: true);
        RequireDenom(minSparkOut, Denom.Spark, nameof(minSparkOut), nonZero: false);
        return SendMessagesAsync(wallet, [new BurnForSparkMessage(phnx.Value, minSparkOut.Value)], cancellationToken);
    }

    /// <summary>Registers a new validator operated by <paramref name="wallet"/>, self-delegating <paramref name="selfDelegation"/>.</summary>
    /// <param name="wallet">The operator.</param>
    /// <param name="consensusKey">The validator's consensus (block-signing) key.</param>
    /// <param name="jurisdiction">ISO 3166-1 alpha-2 code (for example <c>DE</c>).</param>
    /// <param name="commissionBasisPoints">Commission on delegators' rewards, 0 to 10,000.</param>
    /// <param name="selfDelegation">PHNX bonded by the operator (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="selfDelegation"/> is zero or not PHNX, or the jurisdiction is not two letters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="commissionBasisPoints"/> is above 10,000.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (codespace <c>staking</c>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> CreateValidatorAsync(Wallet wallet, PublicKey consensusKey, string jurisdiction, uint commissionBasisPoints, Amount selfDelegation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(jurisdiction);
        if (jurisdiction.Length != 2 || !jurisdiction.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("A jurisdiction is an upper-case ISO 3166-1 alpha-2 code such as DE.", nameof(jurisdiction));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(commissionBasisPoints, 10_000u);
        RequireDenom(selfDelegation, Denom.Phnx, nameof(selfDelegation), nonZero: true);
        return SendMessagesAsync(wallet, [new CreateValidatorMessage(consensusKey, jurisdiction, commissionBasisPoints, selfDelegation.Value)], cancellationToken);
    }

    /// <summary>Delegates PHNX to a validator.</summary>
    /// <param name="wallet">The delegator.</param>
    /// <param name="validator">The validator's operator address.</param>
    /// <param name="amount">PHNX to bond (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="amount"/> is zero or not PHNX.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (for example no such validator, insufficient funds).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> DelegateAsync(Wallet wallet, Address validator, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        RequireDenom(amount, Denom.Phnx, nameof(amount), nonZero: true);
        return SendMessagesAsync(wallet, [new DelegateMessage(validator, amount.Value)], cancellationToken);
    }

    /// <summary>Starts unbonding PHNX from a validator (liquid again after the unbonding time).</summary>
    /// <param name="wallet">The delegator.</param>
    /// <param name="validator">The validator's operator address.</param>
    /// <param name="amount">PHNX to unbond (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="amount"/> is zero or not PHNX.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (for example more than is delegated).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> UndelegateAsync(Wallet wallet, Address validator, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        RequireDenom(amount, Denom.Phnx, nameof(amount), nonZero: true);
        return SendMessagesAsync(wallet, [new UndelegateMessage(validator, amount.Value)], cancellationToken);
    }

    /// <summary>Moves a delegation from one validator to another without unbonding.</summary>
    /// <param name="wallet">The delegator.</param>
    /// <param name="source">The validator the stake leaves.</param>
    /// <param name="destination">The validator the stake moves to.</param>
    /// <param name="amount">PHNX to move (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="amount"/> is zero or not PHNX, or source equals destination.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> RedelegateAsync(Wallet wallet, Address source, Address destination, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        RequireDenom(amount, Denom.Phnx, nameof(amount), nonZero: true);
        if (source == destination)
        {
            throw new ArgumentException("A redelegation needs two different validators.", nameof(destination));
        }

        return SendMessagesAsync(wallet, [new RedelegateMessage(source, destination, amount.Value)], cancellationToken);
    }

    /// <summary>Withdraws the staking rewards (and, for an operator, the commission) accrued with a validator.</summary>
    /// <param name="wallet">The delegator or operator.</param>
    /// <param name="validator">The validator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> WithdrawRewardsAsync(Wallet wallet, Address validator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return SendMessagesAsync(wallet, [new WithdrawRewardsMessage(validator)], cancellationToken);
    }

    /// <summary>Unjails the validator operated by <paramref name="wallet"/> once its jail period is over.</summary>
    /// <param name="wallet">The operator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="SlashingErrors"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> UnjailAsync(Wallet wallet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return SendMessagesAsync(wallet, [new UnjailMessage()], cancellationToken);
    }

    /// <summary>Submits a governance proposal with an initial deposit (PHNX).</summary>
    /// <param name="wallet">The proposer.</param>
    /// <param name="title">The title (non-empty).</param>
    /// <param name="description">The description.</param>
    /// <param name="deposit">The initial deposit in PHNX (voting starts once the minimum deposit is reached).</param>
    /// <param name="content">What the proposal does (<see cref="TextContent"/>, <see cref="ParameterChangeContent"/>, ...).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result (its events carry the proposal id).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The title is empty or the deposit is not PHNX.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (codespace <c>gov</c>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> SubmitProposalAsync(Wallet wallet, string title, string description, Amount deposit, ProposalContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(content);
        RequireDenom(deposit, Denom.Phnx, nameof(deposit), nonZero: false);
        return SendMessagesAsync(wallet, [new SubmitProposalMessage(title, description, deposit.Value, content)], cancellationToken);
    }

    /// <summary>Adds a PHNX deposit to a proposal in its deposit period.</summary>
    /// <param name="wallet">The depositor.</param>
    /// <param name="proposalId">The proposal.</param>
    /// <param name="amount">PHNX (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="amount"/> is zero or not PHNX.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (for example <see cref="GovernanceErrors.NotInDepositPeriod"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> DepositAsync(Wallet wallet, ulong proposalId, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        RequireDenom(amount, Denom.Phnx, nameof(amount), nonZero: true);
        return SendMessagesAsync(wallet, [new DepositMessage(proposalId, amount.Value)], cancellationToken);
    }

    /// <summary>Votes on a proposal in its voting period (weighted by the voter's bonded stake).</summary>
    /// <param name="wallet">The voter.</param>
    /// <param name="proposalId">The proposal.</param>
    /// <param name="option">Yes, abstain, no or no-with-veto.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="option"/> is not a defined vote.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (for example <see cref="GovernanceErrors.NotInVotingPeriod"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> VoteAsync(Wallet wallet, ulong proposalId, GovernanceVote option, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        if (!Enum.IsDefined(option))
        {
            throw new ArgumentOutOfRangeException(nameof(option), option, "Not a governance vote option.");
        }

        return SendMessagesAsync(wallet, [new VoteMessage(proposalId, option)], cancellationToken);
    }

    /// <summary>Reports the PHNX/USD price as a bonded validator's operator (the oracle takes the stake-weighted median).</summary>
    /// <param name="wallet">The validator's operator.</param>
    /// <param name="priceMicroUsd">Micro-USD per PHNX (non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priceMicroUsd"/> is zero.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="OracleErrors.NotBondedValidator"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> ReportPriceAsync(Wallet wallet, ulong priceMicroUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentOutOfRangeException.ThrowIfZero(priceMicroUsd);
        return SendMessagesAsync(wallet, [new ReportPriceMessage(priceMicroUsd)], cancellationToken);
    }

    /// <summary>Reads the chain's current consensus parameters (fee rate, challenge window, ...).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parameters (not covered by a proof).</returns>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">The answer is not a parameters document.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ChainParameters> GetParametersAsync(CancellationToken cancellationToken = default)
    {
        var answer = await QueryAsync("/params", 0, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<ChainParameters>(answer.Value.Span, ParametersJson.Options)
                ?? throw new PhoenixProtocolViolationException("the /params answer is empty");
        }
        catch (JsonException e)
        {
            throw new PhoenixProtocolViolationException("the /params answer is not a parameters document: " + e.Message);
        }
    }

    /// <summary>Signs and sends one transaction holding <paramref name="messages"/>, paying <see cref="DefaultFee"/>, and waits for its commit.</summary>
    internal async Task<BroadcastResult> SendMessagesAsync(Wallet wallet, IReadOnlyList<ITxMessage> messages, CancellationToken cancellationToken, string? memo = null)
    {
        var chainId = await GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        var builder = new TransactionBuilder(chainId).WithFee(_defaultFee);
        foreach (var m in messages)
        {
            builder.AddMessage(m);
        }

        if (memo is not null)
        {
            builder.WithMemo(memo);
        }

        return await SendAsync(wallet, builder, BroadcastMode.Commit, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireDenom(Amount amount, Denom denom, string name, bool nonZero)
    {
        if (amount.Denom != denom)
        {
            throw new ArgumentException($"Expected an amount in {denom.Name}, got {amount.Denom.Name}.", name);
        }

        if (nonZero && amount.IsZero)
        {
            throw new ArgumentException("The amount must be non-zero.", name);
        }
    }
}
