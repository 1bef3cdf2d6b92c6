using System.Text.Json;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>
/// Where the engine keeps its replicated state (<see cref="ChainState"/>) after each height, so that a restarted node
/// whose application kept its own state (<c>Info</c> reports a height above 0) resumes from there instead of replaying
/// the chain into a fresh application. The state of height H is written after <c>FinalizeBlock</c> and before
/// <c>Commit</c>, so it is never behind the application.
/// </summary>
public interface IChainStateStore
{
    /// <summary>Stores the encoded state after <paramref name="height"/> (durably; it may drop states older than height − 2).</summary>
    /// <param name="height">The height.</param>
    /// <param name="state">The encoded state.</param>
    void Save(long height, byte[] state);

    /// <summary>Loads the encoded state after <paramref name="height"/>.</summary>
    /// <param name="height">The height.</param>
    /// <returns>The bytes, or <see langword="null"/> when not held.</returns>
    byte[]? Load(long height);
}

/// <summary>An in-memory <see cref="IChainStateStore"/> (tests). Thread-safe.</summary>
public sealed class InMemoryChainStateStore : IChainStateStore
{
    private readonly Dictionary<long, byte[]> _states = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public void Save(long height, byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _states[height] = state;
            _states.Remove(height - 2);
        }
    }

    /// <inheritdoc />
    public byte[]? Load(long height)
    {
        lock (_lock)
        {
            return _states.GetValueOrDefault(height);
        }
    }
}

/// <summary>JSON form of <see cref="ChainState"/>, validator priorities and proposers included.</summary>
internal static class ChainStateCodec
{
    public static byte[] Encode(ChainState s) => JsonSerializer.SerializeToUtf8Bytes(new Dto(
        s.ChainId, s.InitialHeight, s.GenesisTime.Seconds, s.GenesisTime.Nanos, s.LastBlockHeight,
        s.LastBlockId.Hash, s.LastBlockId.PartSetHeader.Total, s.LastBlockId.PartSetHeader.Hash,
        s.LastBlockTime.Seconds, s.LastBlockTime.Nanos,
        Set(s.Validators), Set(s.NextValidators), s.LastValidators is null ? null : Set(s.LastValidators),
        s.AppHash, s.LastResultsHash, s.BlockMaxBytes, s.BlockMaxGas, s.AppVersion));

    /// <exception cref="InvalidDataException">The bytes are not an encoded state.</exception>
    public static ChainState Decode(byte[] bytes)
    {
        try
        {
            var d = JsonSerializer.Deserialize<Dto>(bytes) ?? throw new InvalidDataException("The stored consensus state is empty.");
            return new ChainState
            {
                ChainId = d.ChainId,
                InitialHeight = d.InitialHeight,
                GenesisTime = new Timestamp(d.GenesisSeconds, d.GenesisNanos),
                LastBlockHeight = d.LastBlockHeight,
                LastBlockId = d.LastBlockHash.Length == 0 ? BlockId.Nil : new BlockId(d.LastBlockHash, new PartSetHeader(d.LastPartsTotal, d.LastPartsHash)),
                LastBlockTime = new Timestamp(d.LastBlockSeconds, d.LastBlockNanos),
                Validators = Set(d.Validators),
                NextValidators = Set(d.NextValidators),
                LastValidators = d.LastValidators is null ? null : Set(d.LastValidators),
                AppHash = d.AppHash,
                LastResultsHash = d.LastResultsHash,
                BlockMaxBytes = d.BlockMaxBytes,
                BlockMaxGas = d.BlockMaxGas,
                AppVersion = d.AppVersion,
            };
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NullReferenceException)
        {
            throw new InvalidDataException("The stored consensus state does not decode.", ex);
        }
    }

    private static SetDto Set(ValidatorSet set) => new(
        [.. set.Validators.Select(v => new ValidatorDto(v.PublicKey, v.VotingPower, v.ProposerPriority))],
        set.Proposer?.Address);

    private static ValidatorSet Set(SetDto d)
    {
        var validators = d.Validators.Select(v => new Validator(v.PublicKey, v.Power) { ProposerPriority = v.Priority }).ToList();
        return ValidatorSet.Restore(validators, d.Proposer);
    }

    private sealed record ValidatorDto(byte[] PublicKey, long Power, long Priority);

    private sealed record SetDto(List<ValidatorDto> Validators, byte[]? Proposer);

    private sealed record Dto(
        string ChainId, long InitialHeight, long GenesisSeconds, int GenesisNanos, long LastBlockHeight,
        byte[] LastBlockHash, uint LastPartsTotal, byte[] LastPartsHash, long LastBlockSeconds, int LastBlockNanos,
        SetDto Validators, SetDto NextValidators, SetDto? LastValidators,
        byte[] AppHash, byte[] LastResultsHash, long BlockMaxBytes, long BlockMaxGas, ulong AppVersion);
}
