using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.Consensus.Internal;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>Raised after a block is committed and applied.</summary>
/// <param name="Block">The block.</param>
/// <param name="Commit">The commit that decided it.</param>
/// <param name="Result">The application's <c>FinalizeBlock</c> response.</param>
public sealed record BlockCommittedEventArgs(Block Block, Commit Commit, FinalizeBlockResponse Result);

/// <summary>Everything a <see cref="TendermintEngine"/> needs.</summary>
public sealed class TendermintEngineOptions
{
    /// <summary>The chain's genesis.</summary>
    public required ConsensusGenesis Genesis { get; init; }

    /// <summary>The application, driven through the ABCI-shaped interface.</summary>
    public required IAbciApplication Application { get; init; }

    /// <summary>This node's signer, or null for a non-validating node.</summary>
    public IPrivValidator? Signer { get; init; }

    /// <summary>The block store.</summary>
    public IBlockStore BlockStore { get; init; } = new InMemoryBlockStore();

    /// <summary>
    /// Where the engine keeps its state after each height, or <see langword="null"/>. With one, a node whose
    /// application kept its state across a restart resumes at the application's height; without one, the application
    /// must start empty and the whole block store is replayed into it.
    /// </summary>
    public IChainStateStore? StateStore { get; init; }

    /// <summary>The consensus WAL.</summary>
    public IConsensusWal Wal { get; init; } = NullConsensusWal.Instance;

    /// <summary>Where proposals take transactions from.</summary>
    public ITxSource TxSource { get; init; } = new QueueTxSource();

    /// <summary>Round timeouts.</summary>
    public ConsensusTimeoutOptions Timeouts { get; init; } = new();

    /// <summary>The clock used for vote timestamps and sync rate limits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Largest accepted message from a peer.</summary>
    /// <value>The default value is 4 MiB.</value>
    public int MaxMessageBytes { get; init; } = ConsensusMessageCodec.DefaultMaxMessageBytes;

    /// <summary>Evidence older than this many blocks is neither proposed nor accepted.</summary>
    /// <value>The default value is 100 blocks.</value>
    public int MaxEvidenceAgeBlocks { get; init; } = 100;

    /// <summary>Logger.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>
/// The Tendermint consensus algorithm (Buchman, Kwon, Milosevic 2018) as a single-threaded state machine: propose,
/// prevote and precommit with locking and valid-round rules, round timeouts that grow with the round, weighted
/// round-robin proposers, BFT time, duplicate-vote evidence and validator-set changes at H+2.
/// </summary>
/// <remarks>
/// Not thread-safe: one owner (a consensus node loop or the simulated network) calls
/// <see cref="Start"/>, <see cref="HandleMessage(string, ReadOnlySpan{byte})"/> and <see cref="HandleTimeout"/>. Effects
/// leave through the <see cref="IConsensusOutbox"/>. Every input is written to the WAL before it is processed.
/// </remarks>
public sealed partial class TendermintEngine
{
    private const int MaxRoundsAhead = 50;
    private const int MaxFutureMessages = 20_000;
    private const int MaxPendingEvidence = 1_000;

    private readonly TendermintEngineOptions _o;
    private readonly IConsensusOutbox _outbox;
    private readonly ILogger _log;
    private readonly Dictionary<int, ProposalMessage> _proposals = [];
    private readonly Dictionary<BlockId, Candidate> _blocks = [];
    private readonly Dictionary<int, VoteSet> _prevotes = [];
    private readonly Dictionary<int, VoteSet> _precommits = [];
    private readonly HashSet<int> _prevoteWaitScheduled = [];
    private readonly HashSet<int> _precommitWaitScheduled = [];
    private readonly HashSet<int> _polkaHandled = [];
    private readonly Dictionary<BlockId, bool> _validity = [];
    private readonly List<(string Peer, ConsensusMessage Message, byte[] Bytes)> _future = [];
    private readonly Dictionary<string, long> _peerHeights = [];
    private readonly Dictionary<(string Peer, long Height), DateTimeOffset> _lastPush = [];
    private readonly Dictionary<string, (Vote A, Vote B)> _pendingEvidence = [];
    private readonly HashSet<string> _committedEvidence = [];
    private readonly Dictionary<long, ValidatorSet> _validatorHistory = [];
    private ChainState? _state;
    private Commit _lastCommit = Commit.Empty;
    private Candidate? _lockedBlock;
    private Candidate? _validBlock;
    private int _lockedRound = -1;
    private int _validRound = -1;
    private (long Height, DateTimeOffset At) _lastSyncRequest = (-1, DateTimeOffset.MinValue);
    private bool _replaying;
    private (long, int, RoundStep) _lastGossipPosition;

    /// <summary>Creates an engine; call <see cref="Start"/> before anything else.</summary>
    /// <param name="options">Dependencies and settings.</param>
    /// <param name="outbox">Where messages and timeouts go.</param>
    public TendermintEngine(TendermintEngineOptions options, IConsensusOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outbox);
        _o = options;
        _outbox = outbox;
        _log = options.Logger;
    }

    /// <summary>Raised after each block is committed and applied.</summary>
    public event EventHandler<BlockCommittedEventArgs>? BlockCommitted;

    /// <summary>The height being decided.</summary>
    public long Height { get; private set; }

    /// <summary>The current round.</summary>
    public int Round { get; private set; }

    /// <summary>The current step.</summary>
    public RoundStep Step { get; private set; }

    /// <summary>The replicated state after the last committed block.</summary>
    public ChainState State => _state ?? throw new InvalidOperationException("The engine has not started.");

    /// <summary>The commit this node collected for the last block.</summary>
    public Commit LastCommit => _lastCommit;

    /// <summary>Number of pieces of evidence waiting to be proposed.</summary>
    public int PendingEvidenceCount => _pendingEvidence.Count;

    private string ChainId => _o.Genesis.ChainId;

    /// <summary>
    /// Handshakes with the application (<c>Info</c>, <c>InitChain</c> on a fresh chain), replays stored blocks the
    /// application has not applied, replays the WAL of the current height and starts round 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">The application is ahead of the block store, or they disagree on the app hash.</exception>
    public void Start()
    {
        if (_state is not null)
        {
            throw new InvalidOperationException("The engine has already started.");
        }

        var g = _o.Genesis;
        var info = _o.Application.Info(new InfoRequest("phoenix-tendermint", ChainState.BlockProtocol, 8, "2.0.0"));
        if (info.LastBlockHeight >= g.InitialHeight)
        {
            ResumeFromApplication(info);
        }
        else
        {
            StartFromGenesis(info);
        }

        for (var h = _state!.LastBlockHeight + 1; h <= _o.BlockStore.Height; h++)
        {
            var stored = _o.BlockStore.LoadBlock(h) ?? throw new InvalidOperationException($"The block store has no block at height {h}.");
            if (!stored.Block.Header.AppHash.AsSpan().SequenceEqual(_state.AppHash))
            {
                throw new InvalidOperationException($"Replaying height {h}: the stored header's app hash differs from the application's; the data files are inconsistent.");
            }

            var id = new BlockId(stored.Block.Hash(), Block.ComputePartSetHeader(stored.BlockBytes));
            var result = ApplyBlock(stored.Block, id);
            _lastCommit = stored.SeenCommit;
            NoteCommittedEvidence(stored.Block);
            BlockCommitted?.Invoke(this, new BlockCommittedEventArgs(stored.Block, stored.SeenCommit, result));
        }

        StartConsensus();
    }

    // The application kept its state (Info reports height A): take the engine's state after A from the state store,
    // check it against the application's app hash, and continue from there.
    private void ResumeFromApplication(InfoResponse info)
    {
        var height = info.LastBlockHeight;
        var store = _o.StateStore ?? throw new InvalidOperationException(
            $"The application reports height {height} but the engine has no state store to resume from; start the application empty to replay the block store.");
        if (_o.BlockStore.Height < height)
        {
            throw new InvalidOperationException(
                $"The application is at height {height} but the block store only holds blocks up to {_o.BlockStore.Height}; the data files are inconsistent.");
        }

        var bytes = store.Load(height) ?? throw new InvalidOperationException(
            $"The application is at height {height} but no consensus state is stored for that height; the data files are inconsistent.");
        ChainState state;
        try
        {
            state = ChainStateCodec.Decode(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidOperationException($"The consensus state stored for height {height} is damaged.", ex);
        }

        if (state.LastBlockHeight != height || !string.Equals(state.ChainId, _o.Genesis.ChainId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The consensus state stored for height {height} belongs to height {state.LastBlockHeight} of chain '{state.ChainId}'.");
        }

        if (!state.AppHash.AsSpan().SequenceEqual(info.LastBlockAppHash.Span))
        {
            throw new InvalidOperationException(
                $"The application's app hash at height {height} ({Convert.ToHexString(info.LastBlockAppHash.Span)}) differs from the one consensus recorded ({Convert.ToHexString(state.AppHash)}); the data files are inconsistent.");
        }

        _state = state;
        if (state.LastValidators is not null)
        {
            _validatorHistory[height] = state.LastValidators;
        }

        _lastCommit = _o.BlockStore.LoadBlock(height)?.SeenCommit
            ?? throw new InvalidOperationException($"The block store has no block at height {height}.");
        for (var h = Math.Max(state.InitialHeight, height - _o.MaxEvidenceAgeBlocks); h <= height; h++)
        {
            if (_o.BlockStore.LoadBlock(h) is { } recent)
            {
                NoteCommittedEvidence(recent.Block);
            }
        }
    }

    private void StartFromGenesis(InfoResponse info)
    {
        var g = _o.Genesis;
        var init = _o.Application.InitChain(new InitChainRequest(g.GenesisTime, g.ChainId,
            new ConsensusParams(new BlockParams(g.BlockMaxBytes, g.BlockMaxGas)), g.Validators, g.AppStateBytes, g.InitialHeight));
        var validators = ValidatorSet.Create(init.Validators.Count > 0 ? init.Validators : g.Validators);
        _state = new ChainState
        {
            ChainId = g.ChainId,
            InitialHeight = g.InitialHeight,
            GenesisTime = g.GenesisTime,
            LastBlockHeight = g.InitialHeight - 1,
            LastBlockTime = g.GenesisTime,
            Validators = validators,
            NextValidators = validators.CopyIncrementProposerPriority(1),
            AppHash = init.AppHash.ToArray(),
            BlockMaxBytes = init.ConsensusParams?.Block?.MaxBytes ?? g.BlockMaxBytes,
            BlockMaxGas = init.ConsensusParams?.Block?.MaxGas ?? g.BlockMaxGas,
            AppVersion = info.AppVersion,
        };
        _validatorHistory[g.InitialHeight] = validators;
    }

    private void StartConsensus()
    {
        ResetHeight();
        StartRound(0);
        _outbox.ScheduleTimeout(GossipTick());
        _replaying = true;
        try
        {
            foreach (var record in _o.Wal.ReadAfterEndHeight(State.LastBlockHeight))
            {
                switch (record)
                {
                    case WalMessage m when ConsensusMessageCodec.TryDecode(m.Envelope, int.MaxValue, out var msg) == MessageDecodeError.None:
                        Process(m.PeerId, msg!);
                        break;
                    case WalTimeout t:
                        ProcessTimeout(t.Timeout);
                        break;
                }
            }
        }
        finally
        {
            _replaying = false;
        }

        CheckRules();
    }

    /// <summary>Handles an encoded message from a peer: size check, decode, WAL, process.</summary>
    /// <param name="peerId">The sender.</param>
    /// <param name="envelope">The encoded message.</param>
    /// <returns>What happened to it.</returns>
    public MessageOutcome HandleMessage(string peerId, ReadOnlySpan<byte> envelope)
    {
        EnsureStarted();
        switch (ConsensusMessageCodec.TryDecode(envelope, _o.MaxMessageBytes, out var message))
        {
            case MessageDecodeError.Oversized:
                LogRejected(_log, peerId, "oversized");
                return MessageOutcome.RejectedOversized;
            case MessageDecodeError.Malformed:
                LogRejected(_log, peerId, "malformed");
                return MessageOutcome.RejectedMalformed;
            case MessageDecodeError.Invalid:
                LogRejected(_log, peerId, "invalid");
                return MessageOutcome.RejectedInvalid;
        }

        if (message is ProposalMessage or VoteMessage)
        {
            _o.Wal.Write(new WalMessage(peerId, envelope.ToArray()), sync: false);
        }

        var outcome = Process(peerId, message!);
        CheckRules();
        return outcome;
    }

    /// <summary>Handles a decoded message from a peer.</summary>
    /// <param name="peerId">The sender.</param>
    /// <param name="message">The message.</param>
    /// <returns>What happened to it.</returns>
    public MessageOutcome HandleMessage(string peerId, ConsensusMessage message)
        => HandleMessage(peerId, ConsensusMessageCodec.Encode(message));

    /// <summary>Handles a timeout that the engine scheduled through the outbox.</summary>
    /// <param name="timeout">The timeout.</param>
    public void HandleTimeout(TimeoutInfo timeout)
    {
        ArgumentNullException.ThrowIfNull(timeout);
        EnsureStarted();
        if (timeout.Step == RoundStep.NewRound)
        {
            Regossip();
            _outbox.ScheduleTimeout(GossipTick());
            return;
        }

        if (timeout.Height != Height)
        {
            return;
        }

        _o.Wal.Write(new WalTimeout(timeout), sync: false);
        ProcessTimeout(timeout);
        CheckRules();
    }

    // Votes are broadcast once; this periodic re-send of the node's own messages for the current round stands in for
    // CometBFT's continuous gossip, so lost messages, returning nodes and healed partitions still reach a quorum.
    private TimeoutInfo GossipTick() => new(0, 0, RoundStep.NewRound, _o.Timeouts.ProposeTimeout(0));

    private void Regossip()
    {
        var position = (Height, Round, Step);
        var stuck = position == _lastGossipPosition;
        _lastGossipPosition = position;
        if (!stuck || Step == RoundStep.NewHeight || _o.Signer is null)
        {
            return;
        }

        if (_proposals.TryGetValue(Round, out var proposal) && _o.Signer is not null
            && State.Validators.ProposerForRound(Round).Address.AsSpan().SequenceEqual(Validator.AddressOf(_o.Signer.PublicKey)))
        {
            _outbox.Broadcast(proposal);
        }

        var me = State.Validators.GetByAddress(Validator.AddressOf(_o.Signer!.PublicKey), out var index);
        if (me is null)
        {
            return;
        }

        foreach (var sets in new[] { _prevotes, _precommits })
        {
            for (var r = Math.Max(0, Round - 1); r <= Round; r++)
            {
                if (sets.GetValueOrDefault(r)?.Get(index) is { } vote)
                {
                    _outbox.Broadcast(new VoteMessage(vote));
                }
            }
        }
    }

    private void EnsureStarted()
    {
        if (_state is null)
        {
            throw new InvalidOperationException("Call Start before handling messages or timeouts.");
        }
    }

    private MessageOutcome Process(string peerId, ConsensusMessage message) => message switch
    {
        ProposalMessage p => HandleProposal(peerId, p),
        VoteMessage v => HandleVote(peerId, v.Vote),
        BlockRequestMessage r => HandleBlockRequest(peerId, r),
        BlockResponseMessage b => HandleBlockResponse(peerId, b),
        _ => MessageOutcome.RejectedInvalid,
    };

    private void ProcessTimeout(TimeoutInfo t)
    {
        if (t.Height != Height)
        {
            return;
        }

        switch (t.Step)
        {
            case RoundStep.NewHeight when Step == RoundStep.NewHeight:
                StartRound(0);
                break;
            case RoundStep.Propose when t.Round == Round && Step == RoundStep.Propose:
                SignVote(SignedMsgType.Prevote, BlockId.Nil);
                Step = RoundStep.Prevote;
                break;
            case RoundStep.Prevote when t.Round == Round && Step == RoundStep.Prevote:
                SignVote(SignedMsgType.Precommit, BlockId.Nil);
                Step = RoundStep.Precommit;
                break;
            case RoundStep.Precommit when t.Round == Round && Step != RoundStep.NewHeight:
                StartRound(Round + 1);
                break;
        }
    }
}
