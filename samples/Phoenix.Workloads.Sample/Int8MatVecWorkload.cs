using System.Buffers.Binary;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Workloads.Sample;

/// <summary>
/// A second workload kind, <c>int8-matvec/v1</c>: multiply a batch of int8 vectors by an int8 weight
/// matrix with exact int32 accumulation. Integer arithmetic is bit-exact on every machine, so there is
/// no determinism class and no trace: verification is re-execution and a hash comparison.
/// </summary>
/// <remarks>
/// Blob formats (little-endian):
/// model = "PXMV" ‖ u32 rows ‖ u32 cols ‖ rows·cols int8 weights, row-major;
/// input = u32 count ‖ count·cols int8 values;
/// output = count·rows int32 values (vector-major).
/// </remarks>
public static class Int8MatVec
{
    public const string Kind = "int8-matvec/v1";

    public static byte[] EncodeModel(int rows, int cols, ReadOnlySpan<sbyte> weights)
    {
        if (weights.Length != rows * cols)
        {
            throw new ArgumentException("weights must hold rows × cols values", nameof(weights));
        }

        var blob = new byte[12 + weights.Length];
        "PXMV"u8.CopyTo(blob);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), (uint)rows);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), (uint)cols);
        for (var i = 0; i < weights.Length; i++)
        {
            blob[12 + i] = (byte)weights[i];
        }

        return blob;
    }

    public static byte[] EncodeInput(int cols, IReadOnlyList<sbyte[]> vectors)
    {
        var blob = new byte[4 + (vectors.Count * cols)];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)vectors.Count);
        for (var v = 0; v < vectors.Count; v++)
        {
            for (var c = 0; c < cols; c++)
            {
                blob[4 + (v * cols) + c] = (byte)vectors[v][c];
            }
        }

        return blob;
    }

    public static int[] DecodeOutput(ReadOnlySpan<byte> blob)
    {
        var values = new int[blob.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(blob[(i * 4)..]);
        }

        return values;
    }

    internal static byte[] Compute(ReadOnlySpan<byte> model, ReadOnlySpan<byte> input)
    {
        if (model.Length < 12 || !model[..4].SequenceEqual("PXMV"u8))
        {
            throw new InvalidDataException("The model blob is not an int8-matvec/v1 model.");
        }

        var rows = (int)BinaryPrimitives.ReadUInt32LittleEndian(model[4..]);
        var cols = (int)BinaryPrimitives.ReadUInt32LittleEndian(model[8..]);
        if (model.Length != 12 + ((long)rows * cols) || input.Length < 4)
        {
            throw new InvalidDataException("The model or input blob has the wrong length.");
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (input.Length != 4 + ((long)count * cols))
        {
            throw new InvalidDataException("The input blob has the wrong length for this model.");
        }

        var output = new byte[count * rows * 4];
        for (var v = 0; v < count; v++)
        {
            var x = input.Slice(4 + (v * cols), cols);
            for (var r = 0; r < rows; r++)
            {
                var w = model.Slice(12 + (r * cols), cols);
                var acc = 0;
                for (var c = 0; c < cols; c++)
                {
                    acc += (sbyte)w[c] * (sbyte)x[c];
                }

                BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(((v * rows) + r) * 4), acc);
            }
        }

        return output;
    }
}

/// <summary>The miner side of <c>int8-matvec/v1</c>.</summary>
public sealed class Int8MatVecExecutor : IWorkloadExecutor
{
    public string Kind => Int8MatVec.Kind;

    public async ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(blobs);
        var model = await blobs.ReadAsync(unit.Workload.ModelId, cancellationToken).ConfigureAwait(false);
        var input = await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false);
        var output = Int8MatVec.Compute(model.Span, input.Span);
        return new UnitResult(output, Hash32.Sha256(output), Hash32.Zero);
    }
}

/// <summary>The validator side of <c>int8-matvec/v1</c>: exact re-execution.</summary>
public sealed class Int8MatVecVerifier : IResultVerifier
{
    public string Kind => Int8MatVec.Kind;

    public async ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            var model = await blobs.ReadAsync(unit.Workload.ModelId, cancellationToken).ConfigureAwait(false);
            var input = await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false);
            var expected = Hash32.Sha256(Int8MatVec.Compute(model.Span, input.Span));
            return expected == claimed.OutputId && claimed.TraceRoot.IsZero
                ? new VerificationResult(VerificationVerdict.Valid, "Exact integer result.")
                : new VerificationResult(VerificationVerdict.Invalid, $"Re-execution gives {expected}, claimed {claimed.OutputId}.");
        }
        catch (InvalidDataException ex)
        {
            return new VerificationResult(VerificationVerdict.Inconclusive, ex.Message);
        }
        catch (Phoenix.Protocol.Blobs.BlobNotFoundException ex)
        {
            return new VerificationResult(VerificationVerdict.Inconclusive, ex.Message);
        }
    }
}
