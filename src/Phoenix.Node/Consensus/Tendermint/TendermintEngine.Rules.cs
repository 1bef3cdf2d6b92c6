// Log arguments here are on rare paths (rejections, commits); computing them unconditionally is fine.
#pragma warning disable CA1873
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Phoenix.Node.Consensus.Internal;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Tendermint;

public sealed partial class TendermintEngine
{
    private sealed record Candidate(Block Block, byte[] Bytes, BlockId Id);

    // ---- rounds -------------------------------------------------------------------------------------------------

    private void ResetHeight()
    {
        Height = State.LastBlockHeight + 1;
        Round = 0;
        Step = RoundStep.NewHeight;
        _proposals.Clear();
        _blocks.Clear();
        _prevotes.Clear();
        _precommits.Clear();
        _prevoteWaitScheduled.Clear();
        _precommitWaitScheduled.Clear();
        _polkaHandled.Clear();
        _validity.Clear();
        _lockedBlock = null;
        _validBlock = null;
        _lockedRound = -1;
        _validRound = -1;
        _validatorHistory[Height] = State.Validators;
        _validatorHistory.Remove(Height - _o.MaxEvidenceAgeBlocks - 1);
    }

    private void StartRound(int round)
    {
        Round = round;
        Step = RoundStep.Propose;
        _outbox.ScheduleTimeout(new TimeoutInfo(Height, round, RoundStep.Propose, _o.Timeouts.ProposeTimeout(round)));
        var proposer = State.Validators.ProposerForRound(round);
        if (_o.Signer is not null && proposer.Address.AsSpan().SequenceEqual(Validator.AddressOf(_o.Signer.PublicKey)))
        {
            Propose();
        }
    }

    private void Propose()
    {
        var candidate = _validBlock ?? CreateBlock();
        var unsigned = new Proposal(Height, Round, _validBlock is null ? -1 : _validRound, candidate.Id, Now(), []);
        if (!_o.Signer!.TrySignProposal(ChainId, unsigned, out var proposal))
        {
            LogSignRefused(_log, "proposal", Height, Round);
            return;
        }

        var message = new ProposalMessage(proposal!, candidate.Block, candidate.Bytes);
        if (!_replaying)
        {
            _o.Wal.Write(new WalMessage(string.Empty, ConsensusMessageCodec.Encode(message)), sync: true);
        }

        _proposals[Round] = message;
        _blocks[candidate.Id] = candidate;
        _validity[candidate.Id] = true;
        _outbox.Broadcast(message);
    }

    private Candidate CreateBlock()
    {
        var s = State;
        var maxTxBytes = Math.Min(s.BlockMaxBytes < 0 ? long.MaxValue : s.BlockMaxBytes, _o.MaxMessageBytes / 2);
        var time = Height == s.InitialHeight ? s.GenesisTime : _lastCommit.MedianTime(s.LastValidators!);
        var proposer = Validator.AddressOf(_o.Signer!.PublicKey);
        var evidence = EvidenceForProposal();
        var reaped = _o.TxSource.ReapMaxBytes(maxTxBytes);
        var prepared = _o.Application.PrepareProposal(new PrepareProposalRequest(maxTxBytes, reaped.Select(t => (ReadOnlyMemory<byte>)t).ToList(),
            ToExtendedCommitInfo(_lastCommit, s.LastValidators), evidence.Select(ToMisbehavior).ToList(), Height, time, s.NextValidators.Hash(), proposer));
        var txs = prepared.Txs.Select(t => t.ToArray()).ToList();
        if (txs.Sum(t => (long)t.Length) > maxTxBytes)
        {
            txs = [.. reaped];
        }

        var lastCommit = Height == s.InitialHeight ? Commit.Empty : _lastCommit;
        var header = new Header
        {
            VersionBlock = ChainState.BlockProtocol,
            VersionApp = s.AppVersion,
            ChainId = ChainId,
            Height = Height,
            Time = time,
            LastBlockId = s.LastBlockId,
            LastCommitHash = lastCommit.Hash(),
            DataHash = Block.ComputeDataHash(txs),
            ValidatorsHash = s.Validators.Hash(),
            NextValidatorsHash = s.NextValidators.Hash(),
            ConsensusHash = s.ConsensusHash,
            AppHash = s.AppHash,
            LastResultsHash = s.LastResultsHash,
            EvidenceHash = Block.ComputeEvidenceHash(evidence),
            ProposerAddress = proposer,
        };
        var block = new Block(header, txs, evidence, lastCommit);
        var bytes = ConsensusMessageCodec.EncodeBlock(block);
        return new Candidate(block, bytes, new BlockId(block.Hash(), Block.ComputePartSetHeader(bytes)));
    }

    private void SignVote(SignedMsgType type, BlockId blockId)
    {
        if (_o.Signer is null)
        {
            return;
        }

        var validator = State.Validators.GetByAddress(Validator.AddressOf(_o.Signer.PublicKey), out var index);
        if (validator is null)
        {
            return;
        }

        var unsigned = new Vote(type, Height, Round, blockId, VoteTime(blockId), validator.Address, index, []);
        if (!_o.Signer.TrySignVote(ChainId, unsigned, out var vote))
        {
            LogSignRefused(_log, type.ToString(), Height, Round);
            return;
        }

        var message = new VoteMessage(vote!);
        if (!_replaying)
        {
            _o.Wal.Write(new WalMessage(string.Empty, ConsensusMessageCodec.Encode(message)), sync: true);
        }

        AddVote(vote!);
        _outbox.Broadcast(message);
    }

    private Timestamp VoteTime(BlockId blockId)
    {
        var reference = blockId.IsNil ? null : _blocks.GetValueOrDefault(blockId);
        var minTime = (reference ?? _lockedBlock)?.Block.Header.Time ?? State.LastBlockTime;
        var min = Timestamp.FromUnixNanoseconds(minTime.UnixNanoseconds + 1_000_000);
        var now = Now();
        return now > min ? now : min;
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(_o.TimeProvider.GetUtcNow());

    // ---- the paper's "upon" rules ---------------------------------------------------------------------------------

    private void CheckRules()
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            if (TryDecide() || TryRoundSkip() || TryProposalRule() || TryPolkaRules())
            {
                continue;
            }

            return;
        }
    }

    private bool TryDecide()
    {
        foreach (var (round, set) in _precommits)
        {
            if (set.Maj23 is { IsNil: false } id)
            {
                if (_blocks.TryGetValue(id, out var candidate) && IsValid(candidate))
                {
                    FinalizeCommit(candidate, set.MakeCommit(Height, round, id));
                    return true;
                }

                RequestBlock(null, Height);
            }
        }

        return false;
    }

    private bool TryRoundSkip()
    {
        var threshold = State.Validators.TotalVotingPower / 3;
        foreach (var round in _prevotes.Keys.Concat(_precommits.Keys).Where(r => r > Round).Distinct().Order())
        {
            long power = 0;
            var pv = _prevotes.GetValueOrDefault(round);
            var pc = _precommits.GetValueOrDefault(round);
            for (var i = 0; i < State.Validators.Count; i++)
            {
                if (pv?.Get(i) is not null || pc?.Get(i) is not null)
                {
                    power += State.Validators.Validators[i].VotingPower;
                }
            }

            if (power > threshold)
            {
                StartRound(round);
                return true;
            }
        }

        return false;
    }

    private bool TryProposalRule()
    {
        if (Step != RoundStep.Propose || !_proposals.TryGetValue(Round, out var pm))
        {
            return false;
        }

        var candidate = _blocks[pm.Proposal.BlockId];
        var vr = pm.Proposal.PolRound;
        if (vr == -1)
        {
            var ok = IsValid(candidate) && (_lockedRound == -1 || _lockedBlock!.Id.Equals(candidate.Id));
            SignVote(SignedMsgType.Prevote, ok ? candidate.Id : BlockId.Nil);
        }
        else if (vr < Round && _prevotes.GetValueOrDefault(vr)?.Maj23 is { } polka && polka.Equals(candidate.Id))
        {
            var ok = IsValid(candidate) && (_lockedRound <= vr || _lockedBlock!.Id.Equals(candidate.Id));
            SignVote(SignedMsgType.Prevote, ok ? candidate.Id : BlockId.Nil);
        }
        else
        {
            return false;
        }

        Step = RoundStep.Prevote;
        return true;
    }

    private bool TryPolkaRules()
    {
        var pv = _prevotes.GetValueOrDefault(Round);
        if (pv is not null && Step == RoundStep.Prevote && pv.HasTwoThirdsAny && _prevoteWaitScheduled.Add(Round))
        {
            _outbox.ScheduleTimeout(new TimeoutInfo(Height, Round, RoundStep.Prevote, _o.Timeouts.PrevoteTimeout(Round)));
            return true;
        }

        if (pv?.Maj23 is { IsNil: false } polka && Step >= RoundStep.Prevote && Step != RoundStep.NewHeight
            && _proposals.TryGetValue(Round, out var pm) && pm.Proposal.BlockId.Equals(polka)
            && !_polkaHandled.Contains(Round) && IsValid(_blocks[polka]))
        {
            _polkaHandled.Add(Round);
            var candidate = _blocks[polka];
            if (Step == RoundStep.Prevote)
            {
                _lockedBlock = candidate;
                _lockedRound = Round;
                SignVote(SignedMsgType.Precommit, polka);
                Step = RoundStep.Precommit;
            }

            _validBlock = candidate;
            _validRound = Round;
            return true;
        }

        if (pv?.Maj23 is { IsNil: true } && Step == RoundStep.Prevote)
        {
            SignVote(SignedMsgType.Precommit, BlockId.Nil);
            Step = RoundStep.Precommit;
            return true;
        }

        var pc = _precommits.GetValueOrDefault(Round);
        if (pc is not null && pc.HasTwoThirdsAny && Step != RoundStep.NewHeight && _precommitWaitScheduled.Add(Round))
        {
            _outbox.ScheduleTimeout(new TimeoutInfo(Height, Round, RoundStep.Precommit, _o.Timeouts.PrecommitTimeout(Round)));
            return true;
        }

        return false;
    }

    // ---- messages -----------------------------------------------------------------------------------------------

    private MessageOutcome HandleProposal(string peer, ProposalMessage pm)
    {
        var p = pm.Proposal;
        if (p.Height != Height)
        {
            return OtherHeight(peer, p.Height, pm);
        }

        if (p.Round > Round + MaxRoundsAhead)
        {
            return MessageOutcome.Ignored;
        }

        if (_proposals.TryGetValue(p.Round, out var existing))
        {
            return existing.Proposal.Signature.AsSpan().SequenceEqual(p.Signature) ? MessageOutcome.Duplicate : MessageOutcome.Ignored;
        }

        var proposer = State.Validators.ProposerForRound(p.Round);
        if (!Ed25519.Verify(proposer.PublicKey, p.SignBytes(ChainId), p.Signature))
        {
            LogRejected(_log, peer, "proposal signature");
            return MessageOutcome.RejectedInvalid;
        }

        var id = new BlockId(pm.Block.Hash(), Block.ComputePartSetHeader(pm.BlockBytes));
        if (!id.Equals(p.BlockId))
        {
            LogRejected(_log, peer, "proposal block does not match its id");
            return MessageOutcome.RejectedInvalid;
        }

        _proposals[p.Round] = pm;
        _blocks.TryAdd(id, new Candidate(pm.Block, pm.BlockBytes, id));
        return MessageOutcome.Accepted;
    }

    private MessageOutcome HandleVote(string peer, Vote vote)
    {
        if (vote.Height != Height)
        {
            return OtherHeight(peer, vote.Height, new VoteMessage(vote));
        }

        if (vote.Round > Round + MaxRoundsAhead)
        {
            return MessageOutcome.Ignored;
        }

        var set = State.Validators;
        if (vote.ValidatorIndex >= set.Count)
        {
            return MessageOutcome.RejectedInvalid;
        }

        var known = (vote.Type == SignedMsgType.Prevote ? _prevotes : _precommits).GetValueOrDefault(vote.Round)?.Get(vote.ValidatorIndex);
        if (known is not null && known.Signature.AsSpan().SequenceEqual(vote.Signature) && known.BlockId.Equals(vote.BlockId))
        {
            return MessageOutcome.Duplicate;
        }

        var validator = set.Validators[vote.ValidatorIndex];
        if (!vote.Verify(ChainId, validator.PublicKey))
        {
            LogRejected(_log, peer, "vote signature or address");
            return MessageOutcome.RejectedInvalid;
        }

        return AddVote(vote);
    }

    private MessageOutcome AddVote(Vote vote)
    {
        var sets = vote.Type == SignedMsgType.Prevote ? _prevotes : _precommits;
        if (!sets.TryGetValue(vote.Round, out var voteSet))
        {
            voteSet = new VoteSet(State.Validators);
            sets[vote.Round] = voteSet;
        }

        switch (voteSet.Add(vote, out var conflicting))
        {
            case AddVoteResult.Duplicate:
                return MessageOutcome.Duplicate;
            case AddVoteResult.Conflict:
                var key = EvidenceKey(vote);
                if (!_committedEvidence.Contains(key) && _pendingEvidence.Count < MaxPendingEvidence && _pendingEvidence.TryAdd(key, (conflicting!, vote)))
                {
                    if (_log.IsEnabled(LogLevel.Warning))
                    {
                        LogEquivocation(_log, Convert.ToHexString(vote.ValidatorAddress), vote.Height, vote.Round);
                    }

                    // Relay both votes so that validators which saw only one of them learn of the equivocation too.
                    if (!_replaying)
                    {
                        _outbox.Broadcast(new VoteMessage(conflicting!));
                        _outbox.Broadcast(new VoteMessage(vote));
                    }
                }

                return MessageOutcome.Accepted;
            default:
                return MessageOutcome.Accepted;
        }
    }

    private MessageOutcome OtherHeight(string peer, long height, ConsensusMessage message)
    {
        _peerHeights[peer] = Math.Max(_peerHeights.GetValueOrDefault(peer), height);
        if (height == Height + 1 && _future.Count < MaxFutureMessages)
        {
            _future.Add((peer, message, []));
        }
        else if (height > Height + 1)
        {
            RequestBlock(peer, Height);
        }
        else if (height < Height && peer.Length > 0)
        {
            PushBlock(peer, height);
        }

        return MessageOutcome.Ignored;
    }

    // ---- block sync ---------------------------------------------------------------------------------------------

    private void RequestBlock(string? peer, long height)
    {
        var now = _o.TimeProvider.GetUtcNow();
        if (_replaying || (_lastSyncRequest.Height == height && now - _lastSyncRequest.At < _o.Timeouts.Precommit))
        {
            return;
        }

        _lastSyncRequest = (height, now);
        if (peer is null)
        {
            _outbox.Broadcast(new BlockRequestMessage(height));
        }
        else
        {
            _outbox.Send(peer, new BlockRequestMessage(height));
        }
    }

    private void PushBlock(string peer, long height)
    {
        var now = _o.TimeProvider.GetUtcNow();
        if (_replaying || (_lastPush.TryGetValue((peer, height), out var at) && now - at < _o.Timeouts.Precommit))
        {
            return;
        }

        var stored = _o.BlockStore.LoadBlock(height);
        if (stored is not null)
        {
            if (_lastPush.Count > 1_000)
            {
                _lastPush.Clear();
            }

            _lastPush[(peer, height)] = now;
            _outbox.Send(peer, new BlockResponseMessage(stored.Block, stored.BlockBytes, stored.SeenCommit));
        }
    }

    private MessageOutcome HandleBlockRequest(string peer, BlockRequestMessage request)
    {
        var stored = _o.BlockStore.LoadBlock(request.Height);
        if (stored is null || peer.Length == 0)
        {
            return MessageOutcome.Ignored;
        }

        _outbox.Send(peer, new BlockResponseMessage(stored.Block, stored.BlockBytes, stored.SeenCommit));
        return MessageOutcome.Accepted;
    }

    private MessageOutcome HandleBlockResponse(string peer, BlockResponseMessage response)
    {
        var height = response.Block.Header.Height;
        if (height != Height)
        {
            return height < Height ? MessageOutcome.Duplicate : MessageOutcome.Ignored;
        }

        var id = new BlockId(response.Block.Hash(), Block.ComputePartSetHeader(response.BlockBytes));
        var verdict = response.Commit.Verify(ChainId, State.Validators, id, height);
        if (verdict != CommitVerification.Valid)
        {
            LogRejected(_log, peer, $"synced block commit: {verdict}");
            return MessageOutcome.RejectedInvalid;
        }

        var candidate = new Candidate(response.Block, response.BlockBytes, id);
        _blocks.TryAdd(id, candidate);
        if (!IsValid(candidate))
        {
            LogRejected(_log, peer, "synced block is invalid");
            return MessageOutcome.RejectedInvalid;
        }

        FinalizeCommit(candidate, response.Commit);
        if (_peerHeights.GetValueOrDefault(peer) > Height && peer.Length > 0)
        {
            _lastSyncRequest = (-1, DateTimeOffset.MinValue);
            RequestBlock(peer, Height);
        }

        return MessageOutcome.Accepted;
    }

    // ---- validity, commit, apply ----------------------------------------------------------------------------------

    private bool IsValid(Candidate c)
    {
        if (_validity.TryGetValue(c.Id, out var known))
        {
            return known;
        }

        var reason = Validate(c);
        if (reason is not null)
        {
            LogInvalidBlock(_log, Height, reason);
        }

        _validity[c.Id] = reason is null;
        return reason is null;
    }

    private string? Validate(Candidate c)
    {
        var s = State;
        var b = c.Block;
        var h = b.Header;
        if (h.ChainId != ChainId || h.Height != Height || h.VersionBlock != ChainState.BlockProtocol || h.VersionApp != s.AppVersion)
        {
            return "wrong chain, height or version";
        }

        if (!h.LastBlockId.Equals(s.LastBlockId))
        {
            return "wrong last block id";
        }

        if (Height == s.InitialHeight)
        {
            if (b.LastCommit.Signatures.Count != 0 || h.Time != s.GenesisTime)
            {
                return "the first block must have an empty last commit and the genesis time";
            }
        }
        else
        {
            if (b.LastCommit.Verify(ChainId, s.LastValidators!, s.LastBlockId, Height - 1) is var v && v != CommitVerification.Valid)
            {
                return $"last commit: {v}";
            }

            if (h.Time != b.LastCommit.MedianTime(s.LastValidators!))
            {
                return "time is not the weighted median of the last commit";
            }
        }

        if (!h.LastCommitHash.AsSpan().SequenceEqual(b.LastCommit.Hash())
            || !h.DataHash.AsSpan().SequenceEqual(Block.ComputeDataHash(b.Txs))
            || !h.ValidatorsHash.AsSpan().SequenceEqual(s.Validators.Hash())
            || !h.NextValidatorsHash.AsSpan().SequenceEqual(s.NextValidators.Hash())
            || !h.ConsensusHash.AsSpan().SequenceEqual(s.ConsensusHash)
            || !h.AppHash.AsSpan().SequenceEqual(s.AppHash)
            || !h.LastResultsHash.AsSpan().SequenceEqual(s.LastResultsHash)
            || !h.EvidenceHash.AsSpan().SequenceEqual(Block.ComputeEvidenceHash(b.Evidence)))
        {
            return "a header hash does not match the state";
        }

        if (s.Validators.GetByAddress(h.ProposerAddress, out _) is null)
        {
            return "the proposer is not a validator";
        }

        var keys = new HashSet<string>();
        foreach (var ev in b.Evidence)
        {
            var why = ValidateEvidence(ev) ?? (keys.Add(EvidenceKey(ev.VoteA)) ? null : "duplicate");
            if (why is not null)
            {
                return $"evidence: {why}";
            }
        }

        var response = _o.Application.ProcessProposal(new ProcessProposalRequest(b.Txs.Select(t => (ReadOnlyMemory<byte>)t).ToList(),
            ToCommitInfo(b.LastCommit, s.LastValidators), b.Evidence.Select(ToMisbehavior).ToList(), c.Id.Hash, Height, h.Time, h.NextValidatorsHash, h.ProposerAddress));
        return response.Status == ProposalStatus.Accept ? null : "the application rejected the block";
    }

    private void FinalizeCommit(Candidate c, Commit commit)
    {
        Step = RoundStep.Commit;
        if (_o.BlockStore.Height < Height)
        {
            _o.BlockStore.SaveBlock(new StoredBlock(c.Block, c.Bytes, commit));
        }

        _o.Wal.Write(new WalEndHeight(Height), sync: true);
        var result = ApplyBlock(c.Block, c.Id);
        _lastCommit = commit;
        NoteCommittedEvidence(c.Block);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            LogCommitted(_log, c.Block.Header.Height, Round, c.Block.Txs.Count, Convert.ToHexString(State.AppHash));
        }
        BlockCommitted?.Invoke(this, new BlockCommittedEventArgs(c.Block, commit, result));

        ResetHeight();
        _outbox.ScheduleTimeout(new TimeoutInfo(Height, 0, RoundStep.NewHeight, _o.Timeouts.Commit));
        var future = _future.ToList();
        _future.Clear();
        foreach (var (peer, message, _) in future)
        {
            Process(peer, message);
        }
    }

    private FinalizeBlockResponse ApplyBlock(Block block, BlockId id)
    {
        var s = State;
        var h = block.Header;
        var result = _o.Application.FinalizeBlock(new FinalizeBlockRequest(block.Txs.Select(t => (ReadOnlyMemory<byte>)t).ToList(),
            ToCommitInfo(block.LastCommit, s.LastValidators), block.Evidence.Select(ToMisbehavior).ToList(), id.Hash, h.Height, h.Time,
            h.NextValidatorsHash, h.ProposerAddress) { SyncingToHeight = h.Height });
        if (result.TxResults.Count != block.Txs.Count)
        {
            throw new InvalidOperationException($"The application returned {result.TxResults.Count} results for {block.Txs.Count} transactions at height {h.Height}.");
        }

        var next = s.NextValidators.Copy();
        if (result.ValidatorUpdates.Count > 0)
        {
            next.UpdateWithChangeSet(result.ValidatorUpdates);
        }

        next.IncrementProposerPriority(1);
        s.LastValidators = s.Validators;
        s.Validators = s.NextValidators;
        s.NextValidators = next;
        s.LastBlockHeight = h.Height;
        s.LastBlockId = id;
        s.LastBlockTime = h.Time;
        s.AppHash = result.AppHash.ToArray();
        s.LastResultsHash = Block.ComputeResultsHash(result.TxResults);
        if (result.ConsensusParamUpdates?.Block is { } bp)
        {
            s.BlockMaxBytes = bp.MaxBytes;
            s.BlockMaxGas = bp.MaxGas;
        }

        // The state of this height is stored before the application commits, so it is never behind the application.
        _o.StateStore?.Save(h.Height, ChainStateCodec.Encode(s));

        // The mempool admits nothing from the application's commit until its held transactions are re-checked against
        // the new state (ITxSource.EnterCommit).
        using (_o.TxSource.EnterCommit())
        {
            _o.Application.Commit();
            _o.TxSource.Update(h.Height, block.Txs);
        }

        return result;
    }

    // ---- evidence -----------------------------------------------------------------------------------------------

    private static string EvidenceKey(Vote v) => $"{Convert.ToHexString(v.ValidatorAddress)}/{v.Height}/{v.Round}/{(int)v.Type}";

    private List<DuplicateVoteEvidence> EvidenceForProposal()
    {
        var result = new List<DuplicateVoteEvidence>();
        foreach (var (a, b) in _pendingEvidence.Values.OrderBy(e => e.A.Height))
        {
            var h = a.Height;
            if (h >= Height || h < Height - _o.MaxEvidenceAgeBlocks || result.Count >= ConsensusMessageCodec.MaxEvidencePerBlock)
            {
                continue;
            }

            var set = _validatorHistory.GetValueOrDefault(h);
            var stored = _o.BlockStore.LoadBlock(h);
            var validator = set?.GetByAddress(a.ValidatorAddress, out _);
            if (set is null || stored is null || validator is null)
            {
                continue;
            }

            result.Add(DuplicateVoteEvidence.Create(a, b, set.TotalVotingPower, validator.VotingPower, stored.Block.Header.Time));
        }

        return result;
    }

    private string? ValidateEvidence(DuplicateVoteEvidence ev)
    {
        if (ev.Height >= Height || ev.Height < Height - _o.MaxEvidenceAgeBlocks)
        {
            return "evidence height out of range";
        }

        if (_committedEvidence.Contains(EvidenceKey(ev.VoteA)))
        {
            return "evidence already committed";
        }

        var set = _validatorHistory.GetValueOrDefault(ev.Height);
        var stored = _o.BlockStore.LoadBlock(ev.Height);
        if (set is null || stored is null)
        {
            return "unknown evidence height";
        }

        return stored.Block.Header.Time != ev.Timestamp ? "evidence time is not the block time" : ev.Validate(ChainId, set);
    }

    private void NoteCommittedEvidence(Block block)
    {
        foreach (var ev in block.Evidence)
        {
            var key = EvidenceKey(ev.VoteA);
            _committedEvidence.Add(key);
            _pendingEvidence.Remove(key);
        }
    }

    private static Misbehavior ToMisbehavior(DuplicateVoteEvidence ev)
        => new(MisbehaviorType.DuplicateVote, new AbciValidator(ev.VoteA.ValidatorAddress, ev.ValidatorPower), ev.Height, ev.Timestamp, ev.TotalVotingPower);

    private static CommitInfo ToCommitInfo(Commit commit, ValidatorSet? set)
    {
        if (set is null || commit.Signatures.Count != set.Count)
        {
            return CommitInfo.Empty;
        }

        return new CommitInfo(commit.Round, set.Validators.Select((v, i) => new VoteInfo(new AbciValidator(v.Address, v.VotingPower), commit.Signatures[i].Flag)).ToList());
    }

    private static ExtendedCommitInfo ToExtendedCommitInfo(Commit commit, ValidatorSet? set)
    {
        if (set is null || commit.Signatures.Count != set.Count)
        {
            return ExtendedCommitInfo.Empty;
        }

        return new ExtendedCommitInfo(commit.Round, set.Validators.Select((v, i) =>
            new ExtendedVoteInfo(new AbciValidator(v.Address, v.VotingPower), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, commit.Signatures[i].Flag)).ToList());
    }

    // ---- logging ------------------------------------------------------------------------------------------------

    [LoggerMessage(EventId = 1001, EventName = "BlockCommitted", Level = LogLevel.Debug, Message = "Committed height {Height} in round {Round} with {TxCount} txs; app hash {AppHash}")]
    private static partial void LogCommitted(ILogger logger, long height, int round, int txCount, string appHash);

    [LoggerMessage(EventId = 1002, EventName = "SignRefused", Level = LogLevel.Warning, Message = "The signer refused to sign a {Kind} at height {Height} round {Round} (double-sign protection)")]
    private static partial void LogSignRefused(ILogger logger, string kind, long height, int round);

    [LoggerMessage(EventId = 1003, EventName = "MessageRejected", Level = LogLevel.Debug, Message = "Rejected a message from peer {Peer}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 1004, EventName = "EquivocationDetected", Level = LogLevel.Warning, Message = "Validator {Address} signed conflicting votes at height {Height} round {Round}; evidence queued")]
    private static partial void LogEquivocation(ILogger logger, string address, long height, int round);

    [LoggerMessage(EventId = 1005, EventName = "InvalidBlock", Level = LogLevel.Information, Message = "Block proposed for height {Height} is invalid: {Reason}")]
    private static partial void LogInvalidBlock(ILogger logger, long height, string reason);
}
