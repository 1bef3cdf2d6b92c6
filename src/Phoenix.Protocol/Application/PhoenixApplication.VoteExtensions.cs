using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Application;

// Oracle price reports through vote extensions (docs/cometbft.md, "Oracle vote extensions"):
// ExtendVote attaches the local feed's price; VerifyVoteExtension accepts only well-formed extensions;
// the next proposer injects the signed extensions of the last commit as the block's first transaction
// (MsgOracleExtensions, type id 41); ProcessProposal verifies every extension signature against the
// last commit; FinalizeBlock records each report through the oracle module.
public sealed partial class PhoenixApplication
{
    /// <summary>This validator's price source for <see cref="ExtendVote"/> (set by <see cref="PhoenixApplicationBuilder.UsePriceFeed"/>).</summary>
    internal IPriceFeed? PriceFeed { get; init; }

    private bool HasOracle => _modules.Any(m => m is OracleModule);

    /// <inheritdoc />
    /// <remarks>The local price feed's price as an <c>OracleVoteExtension</c>; empty without a feed, a price, or the oracle module. Not deterministic (allowed by ABCI).</remarks>
    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HasOracle || PriceFeed is null || !PriceFeed.TryGetPriceMicroUsd(out var price) || price == 0)
        {
            return new ExtendVoteResponse(ReadOnlyMemory<byte>.Empty);
        }

        return new ExtendVoteResponse(OracleVoteExtensions.EncodeExtension(price));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Deterministic: accepts an empty extension, and, when the oracle module is present, the canonical encoding of a positive
    /// price within <see cref="OracleVoteExtensions.MaxExtensionBytes"/>; rejects anything else (oversized, malformed, zero price).
    /// </remarks>
    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ok = request.VoteExtension.IsEmpty
            || (HasOracle && OracleVoteExtensions.TryDecodeExtension(request.VoteExtension.Span, out _));
        return new VerifyVoteExtensionResponse(ok ? VerifyStatus.Accept : VerifyStatus.Reject);
    }

    /// <summary>
    /// The proposer's injected oracle transaction for <paramref name="request"/>, or <see langword="null"/>: the last commit's
    /// votes for the block whose extension verifies (well-formed, signed by the staking record's consensus key over
    /// height − 1, the commit round and the chain id), included only when they cover more than 2/3 of the last commit's power
    /// and at least one carries a price.
    /// </summary>
    private byte[]? BuildOracleInjection(PrepareProposalRequest request)
    {
        var commit = request.LocalLastCommit;
        if (!HasOracle || request.Height < 2 || commit is null || commit.Votes.Count == 0)
        {
            return null;
        }

        UInt128 total = 0;
        UInt128 covered = 0;
        var votes = new List<SignedOracleVote>();
        foreach (var vote in commit.Votes)
        {
            total += (UInt128)Math.Max(0, vote.Validator.Power);
            if (vote.Flag != BlockIdFlag.Commit
                || !OracleVoteExtensions.TryDecodeExtension(vote.VoteExtension.Span, out _)
                || !ExtensionSignatureVerifies(vote.Validator.Address.Span, vote.VoteExtension.Span, vote.ExtensionSignature.Span, request.Height - 1, commit.Round))
            {
                continue;
            }

            covered += (UInt128)Math.Max(0, vote.Validator.Power);
            votes.Add(new SignedOracleVote(vote.Validator.Address, vote.VoteExtension, vote.ExtensionSignature));
        }

        if (votes.Count == 0 || covered * 3 <= total * 2 || votes.TrueForAll(v => v.Extension.IsEmpty) || votes.Count > OracleVoteExtensions.MaxVotes)
        {
            return null;
        }

        votes.Sort((a, b) => a.ValidatorAddress.Span.SequenceCompareTo(b.ValidatorAddress.Span));
        for (var i = 1; i < votes.Count; i++)
        {
            if (votes[i - 1].ValidatorAddress.Span.SequenceEqual(votes[i].ValidatorAddress.Span))
            {
                return null;
            }
        }

        return OracleVoteExtensions.EncodeInjectedTx(commit.Round, votes);
    }

    /// <summary>
    /// ProcessProposal's check of an injected oracle transaction: well-formed, height ≥ 2, the round is the proposed last commit's,
    /// every vote is from a validator that committed the last block (per the block's last commit) and carries a valid extension
    /// signature by that validator's consensus key, and the votes cover more than 2/3 of the last commit's power.
    /// </summary>
    private bool IsValidOracleInjection(ProcessProposalRequest request, ReadOnlySpan<byte> tx)
    {
        if (!HasOracle || request.Height < 2 || !OracleVoteExtensions.TryDecodeInjectedTx(tx, out var round, out var votes) || round != request.ProposedLastCommit.Round)
        {
            return false;
        }

        UInt128 total = 0;
        var committed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var v in request.ProposedLastCommit.Votes)
        {
            total += (UInt128)Math.Max(0, v.Validator.Power);
            if (v.Flag == BlockIdFlag.Commit)
            {
                committed[Convert.ToHexString(v.Validator.Address.Span)] = Math.Max(0, v.Validator.Power);
            }
        }

        UInt128 covered = 0;
        foreach (var vote in votes)
        {
            if (!committed.TryGetValue(Convert.ToHexString(vote.ValidatorAddress.Span), out var power)
                || !ExtensionSignatureVerifies(vote.ValidatorAddress.Span, vote.Extension.Span, vote.Signature.Span, request.Height - 1, round))
            {
                return false;
            }

            covered += (UInt128)power;
        }

        return covered * 3 > total * 2;
    }

    /// <summary>FinalizeBlock's execution of an injected oracle transaction: records each price through <see cref="OracleModule.Report"/> for the validator's operator.</summary>
    private TxResult ApplyOracleInjection(ModuleContext context, ReadOnlySpan<byte> tx)
    {
        if (!HasOracle || !OracleVoteExtensions.TryDecodeInjectedTx(tx, out _, out var votes))
        {
            return TxResult.Fail(TxErrors.Malformed, "Not a well-formed oracle vote-extension transaction.");
        }

        var recorded = 0;
        foreach (var vote in votes)
        {
            if (!OracleVoteExtensions.TryDecodeExtension(vote.Extension.Span, out var price) || price is not { } p
                || StakingModule.GetValidatorByConsensusAddress(context.State, vote.ValidatorAddress.Span) is not { } validator)
            {
                continue;
            }

            if (OracleModule.Report(context, validator.Operator, p).IsOk)
            {
                recorded++;
            }
        }

        return TxResult.Success([new AbciEvent("oracle_extensions", [
            new EventAttribute("votes", votes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new EventAttribute("recorded", recorded.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ])]);
    }

    private bool ExtensionSignatureVerifies(ReadOnlySpan<byte> consensusAddress, ReadOnlySpan<byte> extension, ReadOnlySpan<byte> signature, long height, int round)
    {
        if (consensusAddress.Length != 20 || signature.Length != 64 || StakingModule.GetValidatorByConsensusAddress(_committed, consensusAddress) is not { } validator)
        {
            return false;
        }

        return Ed25519.Verify(validator.ConsensusKey.ToArray(), OracleVoteExtensions.SignBytes(_chainId, height, round, extension), signature);
    }
}
