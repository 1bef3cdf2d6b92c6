using Google.Protobuf;
using Phoenix.Compute.Internal;
using Phoenix.Compute.Internal.OnnxProto;

namespace Phoenix.Compute.Onnx;

/// <summary>
/// The on-chain format of an <c>onnx/v1</c> unit's input and output blobs: an ONNX
/// <c>SequenceProto</c> (from <c>onnx-data.proto</c>) with <c>elem_type = TENSOR</c> whose
/// <c>tensor_values</c> are <c>TensorProto</c>s, each named after the graph input or output it binds to.
/// </summary>
/// <remarks>
/// Outputs are written in the model's graph-output order, in the canonical tensor encoding
/// (<see cref="OnnxTensor.ToTensorProto"/>), so the same result always has the same bytes and
/// therefore the same content id. Any tool that speaks ONNX's protobuf formats can build and read
/// these blobs.
/// </remarks>
public static class OnnxUnitFormat
{
    private const int TensorElemType = 1;

    /// <summary>Encodes named tensors as a unit blob.</summary>
    /// <param name="tensors">The tensors, in order; names must be non-empty and unique.</param>
    /// <returns>The blob bytes.</returns>
    /// <exception cref="WorkloadException">A name is empty or repeated (<see cref="WorkloadErrorCode.InvalidTensor"/>).</exception>
    public static byte[] Encode(IEnumerable<OnnxTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var sequence = new SequenceProto { ElemType = TensorElemType };
        foreach (var t in tensors)
        {
            sequence.TensorValues.Add(t.ToProto());
        }

        CheckNames(sequence);
        return sequence.ToByteArray();
    }

    /// <summary>Decodes a unit blob.</summary>
    /// <param name="blob">The blob bytes.</param>
    /// <returns>The named tensors, in order.</returns>
    /// <exception cref="WorkloadException">The bytes are not a unit blob (<see cref="WorkloadErrorCode.InvalidTensor"/>).</exception>
    public static IReadOnlyList<OnnxTensor> Decode(ReadOnlySpan<byte> blob)
    {
        SequenceProto sequence;
        try
        {
            CheckTopLevelFields(blob);
            sequence = SequenceProto.Parser.ParseFrom(blob);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob, ex);
        }

        if (sequence.ElemType != TensorElemType && !(sequence.ElemType == 0 && sequence.TensorValues.Count == 0))
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
        }

        CheckNames(sequence);
        return sequence.TensorValues.Select(OnnxTensor.FromProto).ToArray();
    }

    /// <summary>Rejects any top-level field other than name (1), elem_type (2) and tensor_values (3) with their wire types.</summary>
    private static void CheckTopLevelFields(ReadOnlySpan<byte> blob)
    {
        // Walks the top-level tags over the span itself (no copy of the blob); the nested messages are parsed by
        // SequenceProto's parser afterwards.
        var position = 0;
        while (position < blob.Length)
        {
            var tag = ReadVarint(blob, ref position);
            var (field, wireType) = (tag >> 3, (int)(tag & 7));
            switch ((field, wireType))
            {
                case (2, 0):
                    _ = ReadVarint(blob, ref position);
                    break;
                case (1, 2) or (3, 2):
                    var length = ReadVarint(blob, ref position);
                    if (length > (ulong)(blob.Length - position))
                    {
                        throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
                    }

                    position += (int)length;
                    break;
                default:
                    throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= blob.Length)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
            }

            var b = blob[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
    }

    private static void CheckNames(SequenceProto sequence)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.TensorValues.Count; i++)
        {
            var name = sequence.TensorValues[i].Name;
            if (string.IsNullOrEmpty(name))
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.UnnamedTensor(i));
            }

            if (!seen.Add(name))
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.DuplicateTensorName(name));
            }
        }
    }
}
