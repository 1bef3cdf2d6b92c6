using System.Security.Cryptography;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.LightClient.Internal;

/// <summary>A block id: header hash plus part set header.</summary>
internal sealed record LightBlockIdData(byte[] Hash, uint PartsTotal, byte[] PartsHash)
{
    public bool IsNil => Hash.Length == 0 && PartsTotal == 0 && PartsHash.Length == 0;

    /// <summary>proto(BlockID{hash=1, part_set_header=2 {total=1, hash=2}}), also the canonical form.</summary>
    public byte[] ToProto() => new LightProtoWriter()
        .Bytes(1, Hash)
        .Message(2, new LightProtoWriter().Varint(1, PartsTotal).Bytes(2, PartsHash).ToArray())
        .ToArray();
}

/// <summary>An immutable copy of a header, taken from the wire at the edge.</summary>
internal sealed record LightHeaderData(
    ulong VersionBlock,
    ulong VersionApp,
    string ChainId,
    long Height,
    Timestamp Time,
    LightBlockIdData LastBlockId,
    byte[] LastCommitHash,
    byte[] DataHash,
    byte[] ValidatorsHash,
    byte[] NextValidatorsHash,
    byte[] ConsensusHash,
    byte[] AppHash,
    byte[] LastResultsHash,
    byte[] EvidenceHash,
    byte[] ProposerAddress)
{
    /// <summary>CometBFT's <c>Header.Hash</c>: Merkle root of the 14 field encodings.</summary>
    public byte[] Hash()
    {
        static byte[] Wrap(byte[] b) => new LightProtoWriter().Bytes(1, b).ToArray();
        return LightMerkle.Root(
        [
            new LightProtoWriter().Varint(1, VersionBlock).Varint(2, VersionApp).ToArray(),
            new LightProtoWriter().String(1, ChainId).ToArray(),
            new LightProtoWriter().Int64(1, Height).ToArray(),
            LightHashing.TimestampProto(Time),
            LastBlockId.ToProto(),
            Wrap(LastCommitHash),
            Wrap(DataHash),
            Wrap(ValidatorsHash),
            Wrap(NextValidatorsHash),
            Wrap(ConsensusHash),
            Wrap(AppHash),
            Wrap(LastResultsHash),
            Wrap(EvidenceHash),
            Wrap(ProposerAddress),
        ]);
    }
}

/// <summary>One commit signature.</summary>
internal sealed record LightCommitSigData(BlockIdFlag Flag, byte[] ValidatorAddress, Timestamp Timestamp, byte[] Signature);

/// <summary>An immutable copy of a commit.</summary>
internal sealed record LightCommitData(long Height, int Round, LightBlockIdData BlockId, IReadOnlyList<LightCommitSigData> Signatures)
{
    /// <summary>The canonical precommit sign bytes of entry <paramref name="index"/>.</summary>
    public byte[] SignBytes(string chainId, int index)
    {
        var sig = Signatures[index];
        var blockId = sig.Flag == BlockIdFlag.Commit ? BlockId : null;
        return LightHashing.PrecommitSignBytes(chainId, Height, Round, blockId, sig.Timestamp);
    }
}

/// <summary>A validator: key, address and power.</summary>
internal sealed record LightValidatorData(byte[] PublicKey, byte[] Address, long VotingPower)
{
    public static LightValidatorData Create(byte[] publicKey, long power) => new(publicKey, SHA256.HashData(publicKey)[..20], power);
}

/// <summary>An immutable validator set in set order.</summary>
internal sealed class LightValidatorSetData
{
    /// <summary>CometBFT's bound on the total voting power: <c>MaxInt64 / 8</c>.</summary>
    public const long MaxTotalVotingPower = long.MaxValue / 8;

    public LightValidatorSetData(IReadOnlyList<LightValidatorData> validators)
    {
        Validators = validators;
        long total = 0;
        foreach (var v in validators)
        {
            total += v.VotingPower;
        }

        TotalVotingPower = total;
        Hash = LightMerkle.Root(validators
            .Select(v => new LightProtoWriter().Message(1, new LightProtoWriter().Bytes(1, v.PublicKey).ToArray()).Int64(2, v.VotingPower).ToArray())
            .ToList());
    }

    public IReadOnlyList<LightValidatorData> Validators { get; }

    public long TotalVotingPower { get; }

    /// <summary>The validators hash: Merkle root over proto(SimpleValidator) in set order.</summary>
    public byte[] Hash { get; }

    /// <summary>Sorts validators into CometBFT's set order (power descending, then address ascending).</summary>
    public static LightValidatorSetData FromUnordered(IEnumerable<LightValidatorData> validators)
    {
        var list = validators.ToList();
        list.Sort(static (a, b) =>
        {
            var c = b.VotingPower.CompareTo(a.VotingPower);
            return c != 0 ? c : a.Address.AsSpan().SequenceCompareTo(b.Address);
        });
        return new LightValidatorSetData(list);
    }

    public LightValidatorData? GetByAddress(ReadOnlySpan<byte> address)
    {
        foreach (var v in Validators)
        {
            if (v.Address.AsSpan().SequenceEqual(address))
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>An immutable light block, converted from the wire (structure checked, nothing verified yet).</summary>
internal sealed record LightBlockData(LightHeaderData Header, LightCommitData Commit, LightValidatorSetData ValidatorSet)
{
    /// <summary>Copies the wire message into immutable data, rejecting a structurally broken block.</summary>
    /// <exception cref="LightClientVerificationException">A part is missing or malformed.</exception>
    public static LightBlockData FromWire(Wire.LightBlock block, long expectedHeight)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Header is not { } h || block.Commit is not { } c || block.ValidatorSet is not { } vs)
        {
            throw Malformed(expectedHeight, "it lacks its header, commit or validator set");
        }

        var header = new LightHeaderData(
            h.VersionBlock,
            h.VersionApp,
            h.ChainId,
            h.Height,
            Time(h.Time),
            BlockId(h.LastBlockId),
            h.LastCommitHash.ToByteArray(),
            h.DataHash.ToByteArray(),
            h.ValidatorsHash.ToByteArray(),
            h.NextValidatorsHash.ToByteArray(),
            h.ConsensusHash.ToByteArray(),
            h.AppHash.ToByteArray(),
            h.LastResultsHash.ToByteArray(),
            h.EvidenceHash.ToByteArray(),
            h.ProposerAddress.ToByteArray());
        if (header.ValidatorsHash.Length != 32 || header.NextValidatorsHash.Length != 32)
        {
            throw Malformed(expectedHeight, "its header's validator hashes are not 32 bytes");
        }

        var sigs = new List<LightCommitSigData>(c.Signatures.Count);
        foreach (var s in c.Signatures)
        {
            var flag = s.BlockIdFlag switch
            {
                Wire.LightBlockIdFlag.Absent => BlockIdFlag.Absent,
                Wire.LightBlockIdFlag.Commit => BlockIdFlag.Commit,
                Wire.LightBlockIdFlag.Nil => BlockIdFlag.Nil,
                _ => throw Malformed(expectedHeight, "a commit signature has an unknown block id flag"),
            };
            sigs.Add(new LightCommitSigData(flag, s.ValidatorAddress.ToByteArray(), Time(s.Timestamp), s.Signature.ToByteArray()));
        }

        var commit = new LightCommitData(c.Height, c.Round, BlockId(c.BlockId), sigs);
        var validators = new List<LightValidatorData>(vs.Validators.Count);
        long total = 0;
        foreach (var v in vs.Validators)
        {
            if (v.PubKeyEd25519.Length != 32 || v.VotingPower <= 0)
            {
                throw Malformed(expectedHeight, "a validator has a key that is not 32 bytes or a non-positive power");
            }

            total += v.VotingPower;
            if (total > LightValidatorSetData.MaxTotalVotingPower)
            {
                throw Malformed(expectedHeight, "the validator set's total power exceeds the maximum");
            }

            validators.Add(LightValidatorData.Create(v.PubKeyEd25519.ToByteArray(), v.VotingPower));
        }

        if (validators.Count == 0)
        {
            throw Malformed(expectedHeight, "its validator set is empty");
        }

        return new LightBlockData(header, commit, new LightValidatorSetData(validators));
    }

    private static LightClientVerificationException Malformed(long height, string why)
        => new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the light block for height {height} is malformed: {why}"));

    private static Timestamp Time(Google.Protobuf.WellKnownTypes.Timestamp? t) => t is null ? default : new Timestamp(t.Seconds, t.Nanos);

    private static LightBlockIdData BlockId(Wire.LightBlockId? id) => id is null
        ? new LightBlockIdData([], 0, [])
        : new LightBlockIdData(id.Hash.ToByteArray(), id.PartSetHeader?.Total ?? 0, id.PartSetHeader?.Hash.ToByteArray() ?? []);
}
