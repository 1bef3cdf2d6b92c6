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
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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

    /// <summary>
    /// Decodes a unit blob without copying tensor data: each tensor whose bytes are in <c>raw_data</c> shares
    /// <paramref name="blob"/>'s memory. The executor's hot path uses it so that a large input (ResNet18's 600 KB image)
    /// is not copied onto the managed heap.
    /// </summary>
    /// <param name="blob">The blob bytes; they must not change while the returned tensors are in use.</param>
    /// <returns>The named tensors, in order; the same tensors as <see cref="Decode"/> gives.</returns>
    /// <exception cref="WorkloadException">The bytes are not a unit blob (<see cref="WorkloadErrorCode.InvalidTensor"/>),
    /// exactly as <see cref="Decode"/> would throw.</exception>
    /// <remarks>
    /// Blobs in the canonical encoding (<c>elem_type</c> then tensors with only <c>dims</c>, <c>data_type</c>,
    /// <c>name</c> and <c>raw_data</c>, each at most once except <c>dims</c>) are read in place; any other blob,
    /// valid or not, goes through <see cref="Decode"/>, so both accept and reject the same bytes.
    /// </remarks>
    public static IReadOnlyList<OnnxTensor> DecodeShared(ReadOnlyMemory<byte> blob)
    {
        try
        {
            if (TryDecodeCanonical(blob, out var tensors))
            {
                return tensors;
            }
        }
        catch (WorkloadException)
        {
            // Let the full decoder report the error it reports for these bytes.
        }

        return Decode(blob.Span);
    }

    /// <summary>Reads a canonical blob in place; <see langword="false"/> for anything else.</summary>
    private static bool TryDecodeCanonical(ReadOnlyMemory<byte> memory, out IReadOnlyList<OnnxTensor> tensors)
    {
        tensors = [];
        var blob = memory.Span;
        var position = 0;
        var sawElemType = false;
        var list = new List<OnnxTensor>();
        HashSet<string>? names = null;
        while (position < blob.Length)
        {
            if (!TryReadVarint(blob, ref position, out var tag))
            {
                return false;
            }

            switch (tag)
            {
                case (2 << 3) | 0 when !sawElemType && list.Count == 0:
                    if (!TryReadVarint(blob, ref position, out var elemType) || elemType != TensorElemType)
                    {
                        return false;
                    }

                    sawElemType = true;
                    break;
                case (3 << 3) | 2 when sawElemType:
                    if (!TryReadLength(blob, ref position, out var length))
                    {
                        return false;
                    }

                    if (!TryReadTensor(memory.Slice(position, length), position, memory, out var tensor) || !(names ??= new HashSet<string>(StringComparer.Ordinal)).Add(tensor.Name))
                    {
                        return false;
                    }

                    list.Add(tensor);
                    position += length;
                    break;
                default:
                    return false;
            }
        }

        if (!sawElemType)
        {
            return false;
        }

        tensors = list;
        return true;
    }

    /// <summary>Reads one canonical <c>TensorProto</c>: dims (unpacked), data_type, name and raw_data only.</summary>
    private static bool TryReadTensor(ReadOnlyMemory<byte> tensorMemory, int offset, ReadOnlyMemory<byte> blob, out OnnxTensor tensor)
    {
        tensor = null!;
        var span = tensorMemory.Span;
        var position = 0;
        var dims = new List<long>(4);
        ulong? dataType = null;
        string? name = null;
        (int Start, int Length)? raw = null;
        while (position < span.Length)
        {
            if (!TryReadVarint(span, ref position, out var tag))
            {
                return false;
            }

            switch (tag)
            {
                case (1 << 3) | 0:
                    if (!TryReadVarint(span, ref position, out var dim))
                    {
                        return false;
                    }

                    dims.Add((long)dim);
                    break;
                case (2 << 3) | 0 when dataType is null:
                    if (!TryReadVarint(span, ref position, out var type))
                    {
                        return false;
                    }

                    dataType = type;
                    break;
                case (8 << 3) | 2 when name is null:
                    if (!TryReadLength(span, ref position, out var nameLength))
                    {
                        return false;
                    }

                    try
                    {
                        name = StrictUtf8.GetString(span.Slice(position, nameLength));
                    }
                    catch (ArgumentException)
                    {
                        return false;
                    }

                    position += nameLength;
                    break;
                case (9 << 3) | 2 when raw is null:
                    if (!TryReadLength(span, ref position, out var rawLength))
                    {
                        return false;
                    }

                    raw = (offset + position, rawLength);
                    position += rawLength;
                    break;
                default:
                    return false;
            }
        }

        if (dataType is not { } t || t > int.MaxValue || !Enum.IsDefined((OnnxElementType)(int)t) || string.IsNullOrEmpty(name) || raw is not { } r)
        {
            return false;
        }

        tensor = new OnnxTensor(name, (OnnxElementType)(int)t, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dims), blob.Slice(r.Start, r.Length));
        return true;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int position, out int length)
    {
        length = 0;
        if (!TryReadVarint(span, ref position, out var value) || value > (ulong)(span.Length - position))
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length)
            {
                return false;
            }

            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                // Ten bytes at most; the tenth may only carry the top bit.
                return shift < 63 || b <= 1;
            }
        }

        return false;
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
