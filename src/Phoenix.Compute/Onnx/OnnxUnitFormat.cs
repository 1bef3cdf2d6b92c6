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
            CheckTopLevelFields(blob.ToArray());
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
    private static void CheckTopLevelFields(byte[] blob)
    {
        var input = new CodedInputStream(blob);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var ok = (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag)) switch
            {
                (1, WireFormat.WireType.LengthDelimited) or (2, WireFormat.WireType.Varint) or (3, WireFormat.WireType.LengthDelimited) => true,
                _ => false,
            };
            if (!ok)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotAUnitBlob);
            }

            input.SkipLastField();
        }
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
