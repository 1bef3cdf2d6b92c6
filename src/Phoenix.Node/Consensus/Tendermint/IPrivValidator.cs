using System.Text.Json;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>
/// A validator's signer with double-sign protection: it never signs two different messages for one
/// (height, round, step) and never signs for an earlier one.
/// </summary>
public interface IPrivValidator
{
    /// <summary>The 32-byte consensus public key.</summary>
    byte[] PublicKey { get; }

    /// <summary>Signs a vote, or refuses when that would be a double sign.</summary>
    /// <param name="chainId">Chain id.</param>
    /// <param name="vote">The vote (its signature is ignored).</param>
    /// <param name="signed">The signed vote; its timestamp may be the one signed earlier for the same vote.</param>
    /// <returns><see langword="false"/> when refused.</returns>
    bool TrySignVote(string chainId, Vote vote, out Vote? signed);

    /// <summary>Signs a proposal, or refuses when that would be a double sign.</summary>
    /// <param name="chainId">Chain id.</param>
    /// <param name="proposal">The proposal.</param>
    /// <param name="signed">The signed proposal.</param>
    /// <returns><see langword="false"/> when refused.</returns>
    bool TrySignProposal(string chainId, Proposal proposal, out Proposal? signed);
}

/// <summary>
/// CometBFT's file signer (<c>privval/file.go</c>): the last signed (height, round, step), sign bytes and signature
/// are written to a state file and flushed to disk (fsync) <em>before</em> a signature is returned, so a node killed at
/// any instant and restarted cannot sign a conflicting message. Re-signing the same message returns the stored
/// signature; a vote differing only in its timestamp gets the stored signature and timestamp.
/// </summary>
public sealed class FilePrivValidator : IPrivValidator, IDisposable
{
    private const int StepPropose = 1;
    private const int StepPrevote = 2;
    private const int StepPrecommit = 3;

    private readonly NSec.Cryptography.Key _key;
    private readonly string? _statePath;
    private readonly Lock _lock = new();
    private LastSignState _last;

    private FilePrivValidator(ReadOnlySpan<byte> seed, string? statePath)
    {
        // The key is imported once (importing per signature costs a guarded allocation each time).
        _key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        PublicKey = Ed25519.GetPublicKey(seed);
        _statePath = statePath;
        _last = statePath is not null && File.Exists(statePath) ? Load(statePath) : new LastSignState(0, 0, 0, null, null, 0, 0);
    }

    /// <inheritdoc />
    public byte[] PublicKey { get; }

    /// <summary>The last signed height, round and step (1 propose, 2 prevote, 3 precommit).</summary>
    public (long Height, int Round, int Step) LastSigned => (_last.Height, _last.Round, _last.Step);

    /// <summary>Opens (or creates) a signer whose state lives in <paramref name="stateFilePath"/>.</summary>
    /// <param name="seed">The 32-byte Ed25519 seed.</param>
    /// <param name="stateFilePath">The last-sign-state file.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="InvalidDataException">The state file is corrupted: the node must not start.</exception>
    public static FilePrivValidator Open(ReadOnlySpan<byte> seed, string stateFilePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateFilePath);
        return new FilePrivValidator(seed, stateFilePath);
    }

    /// <summary>A signer that keeps its state in memory only (simulations and tests; not crash-safe).</summary>
    /// <param name="seed">The 32-byte Ed25519 seed.</param>
    /// <returns>The signer.</returns>
    public static FilePrivValidator InMemory(ReadOnlySpan<byte> seed) => new(seed, null);

    /// <inheritdoc />
    public bool TrySignVote(string chainId, Vote vote, out Vote? signed)
    {
        ArgumentNullException.ThrowIfNull(vote);
        var step = vote.Type == SignedMsgType.Prevote ? StepPrevote : StepPrecommit;
        lock (_lock)
        {
            var signBytes = vote.SignBytes(chainId);
            switch (Check(vote.Height, vote.Round, step))
            {
                case HrsCheck.Regression:
                    signed = null;
                    return false;
                case HrsCheck.Same:
                    if (_last.SignBytes is not null && signBytes.AsSpan().SequenceEqual(_last.SignBytes))
                    {
                        signed = vote with { Signature = _last.Signature! };
                        return true;
                    }

                    var stored = new Timestamp(_last.TimeSeconds, _last.TimeNanos);
                    var again = vote with { Timestamp = stored };
                    if (_last.SignBytes is not null && again.SignBytes(chainId).AsSpan().SequenceEqual(_last.SignBytes))
                    {
                        signed = again with { Signature = _last.Signature! };
                        return true;
                    }

                    signed = null;
                    return false;
                default:
                    var signature = NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(_key, signBytes);
                    Persist(new LastSignState(vote.Height, vote.Round, step, signBytes, signature, vote.Timestamp.Seconds, vote.Timestamp.Nanos));
                    signed = vote with { Signature = signature };
                    return true;
            }
        }
    }

    /// <inheritdoc />
    public bool TrySignProposal(string chainId, Proposal proposal, out Proposal? signed)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        lock (_lock)
        {
            var signBytes = proposal.SignBytes(chainId);
            switch (Check(proposal.Height, proposal.Round, StepPropose))
            {
                case HrsCheck.Regression:
                    signed = null;
                    return false;
                case HrsCheck.Same:
                    if (_last.SignBytes is not null && signBytes.AsSpan().SequenceEqual(_last.SignBytes))
                    {
                        signed = proposal with { Signature = _last.Signature! };
                        return true;
                    }

                    signed = null;
                    return false;
                default:
                    var signature = NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(_key, signBytes);
                    Persist(new LastSignState(proposal.Height, proposal.Round, StepPropose, signBytes, signature, proposal.Timestamp.Seconds, proposal.Timestamp.Nanos));
                    signed = proposal with { Signature = signature };
                    return true;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private enum HrsCheck
    {
        Advance,
        Same,
        Regression,
    }

    private HrsCheck Check(long height, int round, int step)
    {
        if (height != _last.Height)
        {
            return height > _last.Height ? HrsCheck.Advance : HrsCheck.Regression;
        }

        if (round != _last.Round)
        {
            return round > _last.Round ? HrsCheck.Advance : HrsCheck.Regression;
        }

        if (step != _last.Step)
        {
            return step > _last.Step ? HrsCheck.Advance : HrsCheck.Regression;
        }

        return HrsCheck.Same;
    }

    private void Persist(LastSignState state)
    {
        if (_statePath is not null)
        {
            var tmp = _statePath + ".tmp";
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(fs, state);
                fs.Flush(flushToDisk: true);
            }

            File.Move(tmp, _statePath, overwrite: true);
        }

        _last = state;
    }

    private static LastSignState Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LastSignState>(File.ReadAllBytes(path))
                ?? throw new InvalidDataException($"The signer state file '{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The signer state file '{path}' is corrupted; refusing to start (it guards against double signing).", ex);
        }
    }

    private sealed record LastSignState(long Height, int Round, int Step, byte[]? SignBytes, byte[]? Signature, long TimeSeconds, int TimeNanos);
}
