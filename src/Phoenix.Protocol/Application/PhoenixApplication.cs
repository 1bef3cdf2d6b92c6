using System.Text.Json;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Protocol.Application;

/// <summary>
/// The Phoenix state machine behind the ABCI-shaped interface (DESIGN §2): genesis, transaction
/// checks, block execution with per-transaction results, commits with the state root as app hash,
/// and queries with proofs. Build it with <see cref="PhoenixApplicationBuilder"/>.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: the caller serializes every call (the consensus engine's single application
/// lock). <see cref="CheckTx"/> works on a separate check state that is reset after each
/// <see cref="Commit"/> and never touches committed state.
/// </para>
/// <para>
/// <see cref="InitChain"/> commits the genesis state at height <c>InitialHeight - 1</c> at once, so
/// <see cref="Info"/> reports it immediately; a repeated InitChain with the same genesis (crash
/// before block 1) returns the same answer, and one with a different genesis throws. State-sync snapshots: see
/// <c>PhoenixApplication.Snapshots.cs</c> and <see cref="SnapshotOptions"/>; oracle vote extensions: see
/// <c>PhoenixApplication.VoteExtensions.cs</c>.
/// </para>
/// </remarks>
public sealed partial class PhoenixApplication : IAbciApplication
{
    /// <summary>The application protocol version (goes into block headers).</summary>
    public const ulong AppVersion = 1;

    private static readonly byte[] ChainIdKey = "params/chain_id"u8.ToArray();
    internal static readonly byte[] ParametersKey = "params/chain"u8.ToArray();
    private static readonly byte[] BlockTimeKey = "params/block_time"u8.ToArray();

    private readonly CommittedState _committed;
    private readonly IReadOnlyList<PhoenixModule> _modules;
    private readonly ISignatureBatchVerifier _verifier;
    private readonly IReadOnlyList<Amount> _minimumFees;
    private readonly MessageRegistry _registry = new();
    private StateCache _checkState;
    private PendingBlock? _pending;
    private string _chainId = string.Empty;
    private ChainParameters _parameters = ChainParameters.Default;
    private Timestamp _lastBlockTime;
    private TxDecoder _decoder;

    private sealed record PendingBlock(long Height, Hash32 AppHash, StateCache State);

    internal PhoenixApplication(IKeyValueStore store, IReadOnlyList<PhoenixModule> modules, ISignatureBatchVerifier verifier, IReadOnlyList<Amount> minimumFees)
    {
        _committed = new CommittedState(store);
        _modules = modules;
        _verifier = verifier;
        _minimumFees = minimumFees;
        foreach (var module in modules)
        {
            module.RegisterMessages(_registry);
        }

        _checkState = new StateCache(_committed);
        _decoder = CreateDecoder();
        if (_committed.HasState)
        {
            LoadChainSettings();
        }
    }

    /// <summary>The message registry (read-only after construction).</summary>
    public MessageRegistry Messages => _registry;

    /// <summary>The transaction decoder for the current parameters.</summary>
    public TxDecoder Decoder => _decoder;

    /// <summary>The chain id (empty before <see cref="InitChain"/>).</summary>
    public string ChainId => _chainId;

    /// <summary>The chain parameters in force.</summary>
    public ChainParameters Parameters => _parameters;

    /// <summary>The last committed height.</summary>
    public long LastHeight => _committed.Height;

    /// <summary>The last committed app hash (state root).</summary>
    public Hash32 LastAppHash => _committed.Root;

    /// <summary>Committed state (read-only view for tests, invariants and tools).</summary>
    public IStateReader CommittedState => _committed;

    /// <summary>The modules in execution order.</summary>
    public IReadOnlyList<PhoenixModule> Modules => _modules;

    /// <summary>Runs every module's invariants against committed state.</summary>
    /// <returns>All violations; empty when every invariant holds.</returns>
    public IReadOnlyList<string> CheckInvariants() => [.. _modules.SelectMany(m => m.CheckInvariants(_committed))];

    /// <inheritdoc />
    public InfoResponse Info(InfoRequest request)
        => new("phoenix", "0.1.0", AppVersion, _committed.Height, _committed.HasState ? _committed.Root.ToArray() : ReadOnlyMemory<byte>.Empty);

    /// <inheritdoc />
    /// <exception cref="Genesis.GenesisFormatException">The app state is not a valid genesis document.</exception>
    /// <exception cref="InvalidOperationException">The genesis is invalid, the chain ids differ, or the chain already has blocks.</exception>
    public InitChainResponse InitChain(InitChainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_committed.HasState && _committed.Height >= Math.Max(1, request.InitialHeight))
        {
            throw new InvalidOperationException("InitChain called on a chain that already has blocks.");
        }

        if (_pending is not null)
        {
            throw new InvalidOperationException("InitChain called while a block is pending.");
        }

        var genesis = Genesis.Genesis.FromJson(request.AppStateBytes.Span);
        var errors = genesis.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid genesis: " + string.Join(" ", errors));
        }

        if (!string.Equals(genesis.ChainId, request.ChainId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The genesis chain id '{genesis.ChainId}' differs from the engine's '{request.ChainId}'.");
        }

        var height = Math.Max(0, request.InitialHeight - 1);
        if (_committed.HasState)
        {
            // A repeated InitChain (the engine crashed before block 1 was committed): recompute the
            // genesis on empty state and accept it only if it reproduces the committed genesis.
            using var scratchStore = new InMemoryKeyValueStore();
            var scratch = new CommittedState(scratchStore);
            var (replayRoot, replayUpdates) = ApplyGenesis(scratch, genesis, height);
            if (_committed.Height != height || replayRoot != _committed.Root)
            {
                throw new InvalidOperationException("InitChain called again with a different genesis than the one committed.");
            }

            return new InitChainResponse(null, replayUpdates, replayRoot.ToArray());
        }

        var (root, updates) = ApplyGenesis(_committed, genesis, height);
        LoadChainSettings();
        _checkState = new StateCache(_committed);
        return new InitChainResponse(null, updates, root.ToArray());
    }

    private (Hash32 Root, List<ValidatorUpdate> Updates) ApplyGenesis(CommittedState target, Genesis.Genesis genesis, long height)
    {
        var state = new StateCache(target);
        state.Set(ChainIdKey, System.Text.Encoding.UTF8.GetBytes(genesis.ChainId));
        state.Set(ParametersKey, JsonSerializer.SerializeToUtf8Bytes(genesis.Parameters, GenesisJson.ParameterOptions));
        SetBlockTime(state, genesis.GenesisTime);
        var context = new ModuleContext(genesis.ChainId, height, genesis.GenesisTime, genesis.Parameters, state);
        var updates = new List<ValidatorUpdate>();
        foreach (var module in _modules)
        {
            updates.AddRange(module.InitGenesis(context, genesis));
        }

        if (updates.Count == 0)
        {
            updates.AddRange(genesis.Validators.Select(v => new ValidatorUpdate(v.ConsensusKey.ToArray(), v.Power)));
        }

        var root = target.Stage(height, state.Writes);
        target.Commit();
        return (root, updates);
    }

    /// <inheritdoc />
    public CommitResponse Commit()
    {
        if (_pending is null)
        {
            throw new InvalidOperationException("Commit called without a preceding FinalizeBlock.");
        }

        _committed.Commit();
        _pending = null;
        LoadChainSettings();
        _checkState = new StateCache(_committed);
        TakeSnapshotIfDue();
        return new CommitResponse(0);
    }

    /// <summary>The BFT time of the last committed block (genesis time before the first block).</summary>
    public Timestamp LastBlockTime => _lastBlockTime;

    private static void SetBlockTime(StateCache state, Timestamp time)
    {
        var bytes = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, time.Seconds);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), time.Nanos);
        state.Set(BlockTimeKey, bytes);
    }

    private void LoadChainSettings()
    {
        var time = _committed.Get(BlockTimeKey);
        _lastBlockTime = time is { Length: 12 }
            ? new Timestamp(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(time), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(time.AsSpan(8)))
            : default;
        var id = _committed.Get(ChainIdKey);
        var parameters = _committed.Get(ParametersKey);
        _chainId = id is null ? string.Empty : System.Text.Encoding.UTF8.GetString(id);
        var loaded = parameters is null ? ChainParameters.Default : JsonSerializer.Deserialize<ChainParameters>(parameters, GenesisJson.ParameterOptions)!;
        if (loaded != _parameters)
        {
            _parameters = loaded;
            _decoder = CreateDecoder();
        }
    }

    private TxDecoder CreateDecoder() => new(_registry, _parameters.MaxTxBytes, _parameters.MaxMessagesPerTx, _parameters.MaxMemoBytes);

    internal static Address FeePoolAddress => BankModule.FeePool;
}
