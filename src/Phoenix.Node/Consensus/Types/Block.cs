using System.Security.Cryptography;
using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Consensus.Types;

/// <summary>A block: header, transactions, evidence and the previous block's commit.</summary>
/// <param name="Header">The header.</param>
/// <param name="Txs">The transactions, raw.</param>
/// <param name="Evidence">Evidence of misbehaviour.</param>
/// <param name="LastCommit">+2/3 precommits for the previous block (<see cref="Commit.Empty"/> for the first block).</param>
public sealed record Block(Header Header, IReadOnlyList<byte[]> Txs, IReadOnlyList<DuplicateVoteEvidence> Evidence, Commit LastCommit)
{
    /// <summary>CometBFT's block part size: 64 KiB.</summary>
    public const int PartSize = 65536;

    /// <summary>The block hash (the header hash).</summary>
    /// <returns>32 bytes.</returns>
    public byte[] Hash() => Header.Hash();

    /// <summary>Data hash: Merkle root over SHA-256 of each transaction.</summary>
    /// <param name="txs">Transactions.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeDataHash(IReadOnlyList<byte[]> txs)
    {
        ArgumentNullException.ThrowIfNull(txs);
        return MerkleTree.HashFromByteSlices(txs.Select(t => SHA256.HashData(t)).ToList());
    }

    /// <summary>Evidence hash: Merkle root over each evidence's encoding.</summary>
    /// <param name="evidence">Evidence.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeEvidenceHash(IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return MerkleTree.HashFromByteSlices(evidence.Select(e => e.ToProto()).ToList());
    }

    /// <summary>Consensus hash: SHA-256(proto(HashedParams{block_max_bytes=1, block_max_gas=2})).</summary>
    /// <param name="blockMaxBytes">Block byte limit.</param>
    /// <param name="blockMaxGas">Block gas limit.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeConsensusHash(long blockMaxBytes, long blockMaxGas)
        => SHA256.HashData(new ProtoWriter().Int64(1, blockMaxBytes).Int64(2, blockMaxGas).ToArray());

    /// <summary>Last-results hash: Merkle root over proto(ExecTxResult{code=1, data=2, gas_wanted=5, gas_used=6}).</summary>
    /// <param name="results">The previous block's results.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeResultsHash(IReadOnlyList<ExecTxResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return MerkleTree.HashFromByteSlices(results
            .Select(r => new ProtoWriter().Varint(1, r.Code).Bytes(2, r.Data.Span).Int64(5, r.GasWanted).Int64(6, r.GasUsed).ToArray())
            .ToList());
    }

    /// <summary>The part set header of an encoded block: 64 KiB parts, Merkle root over the parts.</summary>
    /// <param name="encodedBlock">The block's wire encoding.</param>
    /// <returns>The header.</returns>
    public static PartSetHeader ComputePartSetHeader(ReadOnlySpan<byte> encodedBlock)
    {
        var parts = new List<byte[]>();
        for (var offset = 0; offset < encodedBlock.Length || parts.Count == 0; offset += PartSize)
        {
            parts.Add(encodedBlock.Slice(offset, Math.Min(PartSize, encodedBlock.Length - offset)).ToArray());
        }

        return new PartSetHeader((uint)parts.Count, MerkleTree.HashFromByteSlices(parts));
    }
}
