using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.LightClient.Internal;

/// <summary>The outcome of a trust check against an older validator set.</summary>
internal enum TrustCheck
{
    Trusted,
    NotEnoughTrust,
}

/// <summary>
/// CometBFT's light-client rules (<c>light/verifier.go</c>, <c>types/validation.go</c>): adjacent and
/// non-adjacent header verification and the commit checks they rest on. Pure functions; failures throw
/// <see cref="LightClientVerificationException"/>.
/// </summary>
internal static class LightVerifier
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Checks that a light block is internally consistent: chain, height, validators hash, commit for this header, +2/3 of its own set.</summary>
    public static byte[] VerifySelfConsistent(string chainId, LightBlockData block, long expectedHeight)
    {
        var h = block.Header;
        if (!string.Equals(h.ChainId, chainId, StringComparison.Ordinal))
        {
            throw Fail($"the header at height {expectedHeight} is for chain '{h.ChainId}', not '{chainId}'");
        }

        if (h.Height != expectedHeight)
        {
            throw Fail($"asked for the header at height {expectedHeight}, got height {h.Height}");
        }

        if (!block.ValidatorSet.Hash.AsSpan().SequenceEqual(h.ValidatorsHash))
        {
            throw Fail($"the validator set served for height {expectedHeight} does not hash to the header's validators hash");
        }

        var hash = h.Hash();
        VerifyCommitLight(chainId, block.ValidatorSet, hash, block, expectedHeight);
        return hash;
    }

    /// <summary>
    /// CometBFT's <c>VerifyCommitLight</c> (stricter: every commit signature is checked, not only until 2/3): the commit
    /// is for this header, has one entry per validator, and commit signatures of more than 2/3 of the set's power verify.
    /// </summary>
    public static void VerifyCommitLight(string chainId, LightValidatorSetData validators, byte[] headerHash, LightBlockData block, long height)
    {
        var commit = block.Commit;
        if (commit.Height != height || !commit.BlockId.Hash.AsSpan().SequenceEqual(headerHash))
        {
            throw Fail($"the commit served for height {height} does not sign that header");
        }

        if (commit.Signatures.Count != validators.Validators.Count)
        {
            throw Fail($"the commit for height {height} has {commit.Signatures.Count} signatures for {validators.Validators.Count} validators");
        }

        long tallied = 0;
        for (var i = 0; i < commit.Signatures.Count; i++)
        {
            var sig = commit.Signatures[i];
            if (sig.Flag != BlockIdFlag.Commit)
            {
                continue;
            }

            var validator = validators.Validators[i];
            if (!validator.Address.AsSpan().SequenceEqual(sig.ValidatorAddress))
            {
                throw Fail($"commit signature {i} for height {height} names another validator than the set's entry {i}");
            }

            if (!Ed25519.Verify(validator.PublicKey, commit.SignBytes(chainId, i), sig.Signature))
            {
                throw Fail($"commit signature {i} for height {height} does not verify");
            }

            tallied += validator.VotingPower;
        }

        if (tallied <= validators.TotalVotingPower * 2 / 3)
        {
            throw Fail($"the header at height {height} is signed by {tallied} of {validators.TotalVotingPower} voting power, not more than 2/3");
        }
    }

    /// <summary>CometBFT's <c>VerifyCommitLightTrusting</c> with trust level 1/3: signatures from the trusted set's members must carry more than 1/3 of its power.</summary>
    public static TrustCheck VerifyCommitTrusting(string chainId, LightValidatorSetData trusted, LightBlockData block)
    {
        var commit = block.Commit;
        long tallied = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < commit.Signatures.Count; i++)
        {
            var sig = commit.Signatures[i];
            if (sig.Flag != BlockIdFlag.Commit)
            {
                continue;
            }

            var validator = trusted.GetByAddress(sig.ValidatorAddress);
            if (validator is null)
            {
                continue;
            }

            if (!seen.Add(Convert.ToHexString(validator.Address)))
            {
                throw Fail($"the commit for height {commit.Height} counts validator {Convert.ToHexString(validator.Address)} twice");
            }

            if (!Ed25519.Verify(validator.PublicKey, commit.SignBytes(chainId, i), sig.Signature))
            {
                throw Fail($"commit signature {i} for height {commit.Height} does not verify under the trusted validator set");
            }

            tallied += validator.VotingPower;
        }

        return tallied > trusted.TotalVotingPower / 3 ? TrustCheck.Trusted : TrustCheck.NotEnoughTrust;
    }

    /// <summary>The header checks shared by adjacent and non-adjacent steps (CometBFT's <c>verifyNewHeaderAndVals</c>).</summary>
    public static void VerifyNewHeader(VerifiedLightBlock trusted, LightBlockData untrusted, Timestamp now, TimeSpan maxClockDrift)
    {
        var h = untrusted.Header;
        if (h.Height <= trusted.Header.Height)
        {
            throw Fail($"the header at height {h.Height} is not above the trusted height {trusted.Header.Height}");
        }

        if (h.Time <= trusted.Header.Time)
        {
            throw Fail($"the header at height {h.Height} has time {h.Time}, not after the trusted header's {trusted.Header.Time}");
        }

        var limit = Timestamp.FromDateTimeOffset(now.ToDateTimeOffset() + maxClockDrift);
        if (h.Time > limit)
        {
            throw Fail($"the header at height {h.Height} has time {h.Time}, in the future beyond the allowed clock drift ({limit})");
        }
    }

    public static LightClientVerificationException Fail(FormattableString reason) => new(reason.ToString(Inv));
}

/// <summary>A light block whose header has been verified, with its hash.</summary>
internal sealed record VerifiedLightBlock(LightHeaderData Header, byte[] Hash, LightValidatorSetData ValidatorSet)
{
    public VerifiedHeader ToPublic() => new(
        Header.ChainId,
        Header.Height,
        new Hash32(Hash),
        Header.Time,
        Header.AppHash,
        new Hash32(Header.ValidatorsHash),
        new Hash32(Header.NextValidatorsHash));
}
