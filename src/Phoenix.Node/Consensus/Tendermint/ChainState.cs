using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>The genesis of a chain run by the embedded engine.</summary>
/// <param name="ChainId">Chain id (at most 50 characters).</param>
/// <param name="GenesisTime">Genesis time (the first block's time).</param>
/// <param name="Validators">The initial validators (the application may replace them in <c>InitChain</c>).</param>
/// <param name="AppStateBytes">The application's genesis document.</param>
/// <param name="InitialHeight">The first height (usually 1).</param>
public sealed record ConsensusGenesis(string ChainId, Timestamp GenesisTime, IReadOnlyList<ValidatorUpdate> Validators, ReadOnlyMemory<byte> AppStateBytes, long InitialHeight = 1)
{
    /// <summary>Block byte limit (hashed into the header's consensus hash).</summary>
    public long BlockMaxBytes { get; init; } = 22020096;

    /// <summary>Block gas limit (-1: unlimited).</summary>
    public long BlockMaxGas { get; init; } = -1;
}

/// <summary>The replicated state the engine keeps between heights (CometBFT's <c>state.State</c>).</summary>
public sealed class ChainState
{
    /// <summary>CometBFT's block protocol version.</summary>
    public const ulong BlockProtocol = 11;

    /// <summary>Chain id.</summary>
    public required string ChainId { get; init; }

    /// <summary>The first height.</summary>
    public long InitialHeight { get; init; }

    /// <summary>Genesis time.</summary>
    public Timestamp GenesisTime { get; init; }

    /// <summary>The last committed height (InitialHeight - 1 before the first block).</summary>
    public long LastBlockHeight { get; internal set; }

    /// <summary>The last committed block's id.</summary>
    public BlockId LastBlockId { get; internal set; } = BlockId.Nil;

    /// <summary>The last committed block's time.</summary>
    public Timestamp LastBlockTime { get; internal set; }

    /// <summary>The set that signs the next block.</summary>
    public ValidatorSet Validators { get; internal set; } = null!;

    /// <summary>The set after that.</summary>
    public ValidatorSet NextValidators { get; internal set; } = null!;

    /// <summary>The set that signed the last block.</summary>
    public ValidatorSet? LastValidators { get; internal set; }

    /// <summary>The application hash after the last block.</summary>
    public byte[] AppHash { get; internal set; } = [];

    /// <summary>Hash of the last block's deterministic results.</summary>
    public byte[] LastResultsHash { get; internal set; } = MerkleTree.HashFromByteSlices([]);

    /// <summary>Block byte limit.</summary>
    public long BlockMaxBytes { get; internal set; }

    /// <summary>Block gas limit.</summary>
    public long BlockMaxGas { get; internal set; }

    /// <summary>The application protocol version.</summary>
    public ulong AppVersion { get; internal set; }

    /// <summary>The consensus hash of the current parameters.</summary>
    public byte[] ConsensusHash => Block.ComputeConsensusHash(BlockMaxBytes, BlockMaxGas);
}
