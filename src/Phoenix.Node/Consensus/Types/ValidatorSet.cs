using System.Numerics;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Consensus.Types;

/// <summary>
/// A validator set with CometBFT's weighted round-robin proposer priority
/// (<c>types/validator_set.go</c>): rescale to a window of 2·P, centre on the (floored) average,
/// add each power, pick the largest priority (ties: smallest address) and subtract P from it.
/// Validators are ordered by power descending, then address ascending.
/// </summary>
/// <remarks>Mutable (priorities move); <see cref="Copy"/> before sharing. Not thread-safe.</remarks>
public sealed class ValidatorSet
{
    /// <summary>CometBFT's bound on the total voting power: <c>MaxInt64 / 8</c>.</summary>
    public const long MaxTotalVotingPower = long.MaxValue / 8;

    private const long PriorityWindowSizeFactor = 2;

    private List<Validator> _validators;

    private ValidatorSet(List<Validator> validators, Validator? proposer)
    {
        _validators = validators;
        Proposer = proposer;
        TotalVotingPower = ComputeTotal(validators);
    }

    /// <summary>The validators, by power descending then address ascending (the hashing and commit-index order).</summary>
    public IReadOnlyList<Validator> Validators => _validators;

    /// <summary>The proposer chosen by the last priority increment.</summary>
    public Validator? Proposer { get; private set; }

    /// <summary>Sum of voting power.</summary>
    public long TotalVotingPower { get; private set; }

    /// <summary>Number of validators.</summary>
    public int Count => _validators.Count;

    /// <summary>CometBFT's <c>NewValidatorSet</c>: apply the validators as a change set to an empty set, then increment once.</summary>
    /// <param name="validators">Initial validators (positive powers, distinct keys).</param>
    /// <returns>The new set.</returns>
    /// <exception cref="ArgumentException">Duplicate keys, a non-positive power or a total above <see cref="MaxTotalVotingPower"/>.</exception>
    public static ValidatorSet Create(IEnumerable<ValidatorUpdate> validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var list = validators.ToList();
        if (list.Any(v => v.Power <= 0))
        {
            throw new ArgumentException("Initial validators must have positive power.", nameof(validators));
        }

        var set = new ValidatorSet([], null);
        set.UpdateWithChangeSet(list);
        if (set.Count > 0)
        {
            set.IncrementProposerPriority(1);
        }

        return set;
    }

    /// <summary>Builds a set from raw validators, keeping their order and priorities (tests of the arithmetic).</summary>
    internal static ValidatorSet FromRaw(IEnumerable<Validator> validators) => new(validators.ToList(), null);

    /// <summary>Rebuilds a stored set: validators in stored order with their priorities, and the stored proposer.</summary>
    internal static ValidatorSet Restore(IEnumerable<Validator> validators, byte[]? proposerAddress)
    {
        var list = validators.ToList();
        var proposer = proposerAddress is null ? null : list.FirstOrDefault(v => v.Address.AsSpan().SequenceEqual(proposerAddress));
        return new ValidatorSet(list, proposer);
    }

    /// <summary>A deep copy.</summary>
    /// <returns>The copy.</returns>
    public ValidatorSet Copy()
    {
        var list = _validators.Select(v => v.Clone()).ToList();
        var proposer = Proposer is null ? null : list.FirstOrDefault(v => v.Address.AsSpan().SequenceEqual(Proposer.Address));
        return new ValidatorSet(list, proposer);
    }

    /// <summary>A copy incremented <paramref name="times"/> times.</summary>
    /// <param name="times">At least 1.</param>
    /// <returns>The copy.</returns>
    public ValidatorSet CopyIncrementProposerPriority(int times)
    {
        var copy = Copy();
        copy.IncrementProposerPriority(times);
        return copy;
    }

    /// <summary>The validator at <paramref name="index"/> with that index, or null.</summary>
    /// <param name="address">20-byte address.</param>
    /// <param name="index">Its index, or -1.</param>
    /// <returns>The validator, or null.</returns>
    public Validator? GetByAddress(ReadOnlySpan<byte> address, out int index)
    {
        for (var i = 0; i < _validators.Count; i++)
        {
            if (_validators[i].Address.AsSpan().SequenceEqual(address))
            {
                index = i;
                return _validators[i];
            }
        }

        index = -1;
        return null;
    }

    /// <summary>The validators hash: Merkle root over proto(SimpleValidator) in set order.</summary>
    /// <returns>32 bytes.</returns>
    public byte[] Hash() => MerkleTree.HashFromByteSlices(_validators.Select(v => v.ToSimpleValidatorProto()).ToList());

    /// <summary>The proposer of round <paramref name="round"/> of this height's set (round 0: <see cref="Proposer"/>).</summary>
    /// <param name="round">The round, 0 or more.</param>
    /// <returns>The proposer.</returns>
    public Validator ProposerForRound(int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (round == 0)
        {
            return Proposer ?? throw new InvalidOperationException("The validator set has no proposer.");
        }

        return CopyIncrementProposerPriority(round).Proposer!;
    }

    /// <summary>CometBFT's <c>IncrementProposerPriority</c>: rescale, centre, then <paramref name="times"/> rounds of add-and-pick.</summary>
    /// <param name="times">At least 1.</param>
    /// <exception cref="InvalidOperationException">The set is empty.</exception>
    public void IncrementProposerPriority(int times)
    {
        if (_validators.Count == 0)
        {
            throw new InvalidOperationException("Cannot increment the proposer priority of an empty validator set.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        RescalePriorities(PriorityWindowSizeFactor * TotalVotingPower);
        ShiftByAveragePriority();
        Validator? proposer = null;
        for (var i = 0; i < times; i++)
        {
            foreach (var v in _validators)
            {
                v.ProposerPriority = SafeAdd(v.ProposerPriority, v.VotingPower);
            }

            proposer = MostPriority();
            proposer.ProposerPriority = SafeSub(proposer.ProposerPriority, TotalVotingPower);
        }

        Proposer = proposer;
    }

    /// <summary>
    /// Applies validator updates from <c>FinalizeBlock</c> (CometBFT's <c>UpdateWithChangeSet</c>): power 0 removes,
    /// new validators start at −1.125·P′, then rescale, centre and re-sort.
    /// </summary>
    /// <param name="changes">The updates.</param>
    /// <exception cref="ArgumentException">Duplicates, negative power, removal of an unknown validator, an empty result or a total above the bound.</exception>
    public void UpdateWithChangeSet(IReadOnlyList<ValidatorUpdate> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        var parsed = new List<Validator>(changes.Count);
        foreach (var change in changes)
        {
            if (change.Power < 0)
            {
                throw new ArgumentException("A validator update has negative power.", nameof(changes));
            }

            if (change.Power > MaxTotalVotingPower)
            {
                throw new ArgumentException("A validator update's power exceeds the maximum total voting power.", nameof(changes));
            }

            parsed.Add(new Validator(change.PublicKey.Span, change.Power));
        }

        ApplyChanges(parsed);
    }

    /// <summary>CometBFT's <c>NewValidatorSet</c> over validators with arbitrary addresses (tests of the arithmetic).</summary>
    internal static ValidatorSet CreateFromValidators(IEnumerable<Validator> validators)
    {
        var set = new ValidatorSet([], null);
        set.ApplyChanges(validators.ToList());
        if (set.Count > 0)
        {
            set.IncrementProposerPriority(1);
        }

        return set;
    }

    private void ApplyChanges(List<Validator> parsed)
    {
        parsed.Sort((a, b) => a.Address.AsSpan().SequenceCompareTo(b.Address));
        for (var i = 1; i < parsed.Count; i++)
        {
            if (parsed[i].Address.AsSpan().SequenceEqual(parsed[i - 1].Address))
            {
                throw new ArgumentException("Duplicate validator in the change set.");
            }
        }

        var updates = parsed.Where(v => v.VotingPower > 0).ToList();
        var deletes = parsed.Where(v => v.VotingPower == 0).ToList();
        long removedPower = 0;
        foreach (var d in deletes)
        {
            var existing = GetByAddress(d.Address, out _) ?? throw new ArgumentException("Cannot remove a validator that is not in the set.");
            removedPower += existing.VotingPower;
        }

        if (deletes.Count > 0 && deletes.Count == _validators.Count && updates.Count == 0)
        {
            throw new ArgumentException("Applying the change set would remove every validator.");
        }

        long Delta(Validator u) => u.VotingPower - (GetByAddress(u.Address, out _)?.VotingPower ?? 0);
        var tvpAfterRemovals = TotalVotingPower - removedPower;
        foreach (var u in updates.OrderBy(Delta))
        {
            tvpAfterRemovals += Delta(u);
            if (tvpAfterRemovals > MaxTotalVotingPower)
            {
                throw new ArgumentException("The total voting power would exceed the maximum.");
            }
        }

        var tvpAfterUpdatesBeforeRemovals = tvpAfterRemovals + removedPower;
        foreach (var u in updates)
        {
            var existing = GetByAddress(u.Address, out _);
            if (existing is null)
            {
                u.ProposerPriority = -(tvpAfterUpdatesBeforeRemovals + (tvpAfterUpdatesBeforeRemovals >> 3));
                _validators.Add(u);
            }
            else
            {
                existing.VotingPower = u.VotingPower;
            }
        }

        _validators = _validators.Where(v => !deletes.Any(d => d.Address.AsSpan().SequenceEqual(v.Address))).ToList();
        TotalVotingPower = ComputeTotal(_validators);
        RescalePriorities(PriorityWindowSizeFactor * TotalVotingPower);
        ShiftByAveragePriority();
        _validators.Sort(static (a, b) =>
        {
            var c = b.VotingPower.CompareTo(a.VotingPower);
            return c != 0 ? c : a.Address.AsSpan().SequenceCompareTo(b.Address);
        });
        if (Proposer is not null && GetByAddress(Proposer.Address, out _) is null)
        {
            Proposer = null;
        }
    }

    /// <summary>CometBFT's <c>RescalePriorities</c>: divide (truncating) by ceil(diff / diffMax) when the spread exceeds diffMax.</summary>
    internal void RescalePriorities(long diffMax)
    {
        if (diffMax <= 0 || _validators.Count == 0)
        {
            return;
        }

        var max = _validators.Max(v => v.ProposerPriority);
        var min = _validators.Min(v => v.ProposerPriority);
        var diff = max - min;
        if (diff < 0)
        {
            diff = -diff;
        }

        if (diff > diffMax)
        {
            var ratio = (diff + diffMax - 1) / diffMax;
            foreach (var v in _validators)
            {
                v.ProposerPriority /= ratio;
            }
        }
    }

    /// <summary>The average priority, floored (Go's big.Int Euclidean division for a positive divisor).</summary>
    internal static long AveragePriority(IReadOnlyList<long> priorities)
    {
        BigInteger sum = 0;
        foreach (var p in priorities)
        {
            sum += p;
        }

        var n = new BigInteger(priorities.Count);
        var q = BigInteger.DivRem(sum, n, out var rem);
        if (rem < 0)
        {
            q -= 1;
        }

        return (long)q;
    }

    private void ShiftByAveragePriority()
    {
        var avg = AveragePriority(_validators.Select(v => v.ProposerPriority).ToList());
        foreach (var v in _validators)
        {
            v.ProposerPriority = SafeSub(v.ProposerPriority, avg);
        }
    }

    private Validator MostPriority()
    {
        var best = _validators[0];
        for (var i = 1; i < _validators.Count; i++)
        {
            var v = _validators[i];
            if (v.ProposerPriority > best.ProposerPriority
                || (v.ProposerPriority == best.ProposerPriority && v.Address.AsSpan().SequenceCompareTo(best.Address) < 0))
            {
                best = v;
            }
        }

        return best;
    }

    private static long ComputeTotal(List<Validator> validators)
    {
        long total = 0;
        foreach (var v in validators)
        {
            total = SafeAdd(total, v.VotingPower);
            if (total > MaxTotalVotingPower)
            {
                throw new ArgumentException("The total voting power exceeds the maximum.");
            }
        }

        return total;
    }

    private static long SafeAdd(long a, long b)
    {
        var r = unchecked(a + b);
        if (b > 0 && r < a) return long.MaxValue;
        if (b < 0 && r > a) return long.MinValue;
        return r;
    }

    private static long SafeSub(long a, long b)
    {
        var r = unchecked(a - b);
        if (b > 0 && r > a) return long.MinValue;
        if (b < 0 && r < a) return long.MaxValue;
        return r;
    }
}
