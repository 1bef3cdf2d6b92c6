using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Commitments;

/// <summary>
/// The digest of one graph node's outputs: the data of one leaf of the execution-trace Merkle tree.
/// </summary>
/// <remarks>
/// <para>Format (version 1), all integers little-endian:
/// <c>SHA-256("phx-trace-node-v1" ‖ u32 node index ‖ u32 len ‖ op_type UTF-8 ‖ u32 output count ‖
/// for each non-empty output in NodeProto order: u32 len ‖ name UTF-8 ‖ u32 ONNX data_type ‖ u32 rank ‖
/// i64 dims… ‖ u64 byte length ‖ raw little-endian element bytes)</c>.</para>
/// <para>The trace leaf is <c>SHA-256(0x00 ‖ digest)</c> (<see cref="MerkleTree.HashLeaf"/>), and the
/// trace root is the RFC 6962 Merkle root over the leaves of every node in <c>graph.node</c> order
/// (ONNX requires that order to be topological).</para>
/// </remarks>
public static class TraceNodeDigest
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("phx-trace-node-v1");

    /// <summary>Computes the digest of a node's outputs.</summary>
    /// <param name="nodeIndex">The node's index in <c>graph.node</c>.</param>
    /// <param name="opType">The node's operator type.</param>
    /// <param name="outputs">The node's non-empty outputs, in NodeProto order.</param>
    /// <returns>The digest.</returns>
    public static Hash32 Compute(int nodeIndex, string opType, IReadOnlyList<OnnxTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        using var hasher = new Builder(nodeIndex, opType, outputs.Count);
        foreach (var t in outputs)
        {
            hasher.Add(t.Name, t.ElementType, t.DimensionsArray, t.RawData.Span);
        }

        return hasher.Finish();
    }

    /// <summary>Incremental form used on ONNX Runtime's own buffers, so outputs are never copied.</summary>
    internal sealed class Builder : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public Builder(int nodeIndex, string opType, int outputCount)
        {
            _hash.AppendData(Domain);
            AppendU32((uint)nodeIndex);
            AppendString(opType);
            AppendU32((uint)outputCount);
        }

        public void Add(string name, OnnxElementType type, ReadOnlySpan<long> dims, ReadOnlySpan<byte> raw)
        {
            AppendString(name);
            AppendU32((uint)type);
            AppendU32((uint)dims.Length);
            Span<byte> b = stackalloc byte[8];
            foreach (var d in dims)
            {
                BinaryPrimitives.WriteInt64LittleEndian(b, d);
                _hash.AppendData(b);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)raw.Length);
            _hash.AppendData(b);
            _hash.AppendData(raw);
        }

        public Hash32 Finish() => new(_hash.GetHashAndReset());

        public void Dispose() => _hash.Dispose();

        private void AppendU32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _hash.AppendData(b);
        }

        private void AppendString(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            AppendU32((uint)bytes.Length);
            _hash.AppendData(bytes);
        }
    }
}
