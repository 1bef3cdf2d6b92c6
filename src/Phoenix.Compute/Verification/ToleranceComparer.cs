using System.Globalization;
using System.Runtime.InteropServices;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Compute;

namespace Phoenix.Compute.Verification;

/// <summary>The outcome of comparing two tensor sets.</summary>
/// <param name="Matches">Whether every tensor matched.</param>
/// <param name="Mismatch">The first mismatch, for logs; <see langword="null"/> when they match.</param>
/// <param name="MaxAbsoluteDifference">Largest finite absolute difference seen over floating-point elements.</param>
public sealed record TensorComparison(bool Matches, string? Mismatch, double MaxAbsoluteDifference);

/// <summary>
/// Compares a claimed result with a re-execution, element by element:
/// <c>|claimed − expected| ≤ atol + rtol·|expected|</c> for floating-point elements (float, double,
/// float16, bfloat16), exact equality for integers and booleans, and exact equality of names,
/// element types and shapes.
/// </summary>
/// <remarks>
/// NaN and infinities are handled deliberately: NaN matches only NaN (at the same position), and an
/// infinity matches only the same infinity. A finite value never matches NaN or an infinity, whatever
/// the tolerance. This is numpy's <c>assert_allclose(equal_nan=True)</c> rule that ONNX's own test runner uses.
/// </remarks>
public static class ToleranceComparer
{
    /// <summary>Converts a policy's integer tolerances (units of 10^-12) to <c>(rtol, atol)</c>.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The tolerances.</returns>
    public static (double Rtol, double Atol) FromPolicy(VerificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return (policy.RelativeTolerancePico / 1e12, policy.AbsoluteTolerancePico / 1e12);
    }

    /// <summary>Compares two tensor sets.</summary>
    /// <param name="expected">The reference (the verifier's re-execution).</param>
    /// <param name="actual">The claim.</param>
    /// <param name="rtol">Relative tolerance (non-negative).</param>
    /// <param name="atol">Absolute tolerance (non-negative).</param>
    /// <returns>The comparison.</returns>
    public static TensorComparison Compare(IReadOnlyList<OnnxTensor> expected, IReadOnlyList<OnnxTensor> actual, double rtol, double atol)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentOutOfRangeException.ThrowIfNegative(rtol);
        ArgumentOutOfRangeException.ThrowIfNegative(atol);
        if (expected.Count != actual.Count)
        {
            return Fail($"expected {expected.Count} tensors, got {actual.Count}", 0);
        }

        double maxDiff = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.Name != a.Name || e.ElementType != a.ElementType || !e.Dimensions.SequenceEqual(a.Dimensions))
            {
                return Fail($"tensor {i}: expected '{e.Name}' {e.ElementType} [{string.Join(",", e.Dimensions)}], got '{a.Name}' {a.ElementType} [{string.Join(",", a.Dimensions)}]", maxDiff);
            }

            var values = ToDoubles(e);
            if (values is null)
            {
                if (!e.RawData.Span.SequenceEqual(a.RawData.Span))
                {
                    return Fail($"tensor '{e.Name}': integer elements differ", maxDiff);
                }

                continue;
            }

            var claimed = ToDoubles(a)!;
            for (var j = 0; j < values.Length; j++)
            {
                var x = values[j];
                var y = claimed[j];
                if (double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x) || double.IsInfinity(y))
                {
                    var same = (double.IsNaN(x) && double.IsNaN(y)) || x.Equals(y);
                    if (!same)
                    {
                        return Fail(string.Create(CultureInfo.InvariantCulture, $"tensor '{e.Name}' element {j}: expected {x}, got {y}"), maxDiff);
                    }

                    continue;
                }

                var diff = Math.Abs(y - x);
                maxDiff = Math.Max(maxDiff, diff);
                if (diff > atol + (rtol * Math.Abs(x)))
                {
                    return Fail(string.Create(CultureInfo.InvariantCulture, $"tensor '{e.Name}' element {j}: expected {x:R}, got {y:R} (difference {diff:R})"), maxDiff);
                }
            }
        }

        return new TensorComparison(true, null, maxDiff);
    }

    private static TensorComparison Fail(string why, double maxDiff) => new(false, why, maxDiff);

    private static double[]? ToDoubles(OnnxTensor t)
    {
        var span = t.RawData.Span;
        return t.ElementType switch
        {
            OnnxElementType.Float => Array.ConvertAll(MemoryMarshal.Cast<byte, float>(span).ToArray(), v => (double)v),
            OnnxElementType.Double => MemoryMarshal.Cast<byte, double>(span).ToArray(),
            OnnxElementType.Float16 => Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(span).ToArray(), v => (double)v),
            OnnxElementType.BFloat16 => Array.ConvertAll(MemoryMarshal.Cast<byte, ushort>(span).ToArray(), v => (double)BitConverter.Int32BitsToSingle(v << 16)),
            _ => null,
        };
    }
}
