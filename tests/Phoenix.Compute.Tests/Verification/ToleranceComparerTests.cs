using FsCheck.Xunit;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Compute;

namespace Phoenix.Compute.Tests.Verification;

public class ToleranceComparerTests
{
    private static OnnxTensor F(params float[] v) => OnnxTensor.FromFloats("y", [v.Length], v);

    [Theory]
    [InlineData(1.0f, 1.0009f, true)]
    [InlineData(1.0f, 1.0011f, false)]
    [InlineData(0f, 1e-8f, true)]
    [InlineData(0f, 1e-6f, false)]
    public void Compare_OnnxDefaultTolerances_AppliesAtolPlusRtolTimesExpected(float expected, float actual, bool matches)
    {
        Assert.Equal(matches, ToleranceComparer.Compare([F(expected)], [F(actual)], 1e-3, 1e-7).Matches);
    }

    [Theory]
    [InlineData(float.NaN, float.NaN, true)]
    [InlineData(float.NaN, 1f, false)]
    [InlineData(1f, float.NaN, false)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, true)]
    [InlineData(float.PositiveInfinity, float.NegativeInfinity, false)]
    [InlineData(float.PositiveInfinity, float.MaxValue, false)]
    [InlineData(float.MaxValue, float.PositiveInfinity, false)]
    public void Compare_NaNAndInfinities_MatchOnlyThemselvesWhateverTheTolerance(float expected, float actual, bool matches)
    {
        Assert.Equal(matches, ToleranceComparer.Compare([F(expected)], [F(actual)], 1.0, 1e30).Matches);
    }

    [Fact]
    public void Compare_ShapeOrTypeDiffers_Mismatch()
    {
        Assert.False(ToleranceComparer.Compare([F(1, 2)], [OnnxTensor.FromFloats("y", [1, 2], [1, 2])], 1, 1).Matches);
        Assert.False(ToleranceComparer.Compare([F(1)], [OnnxTensor.FromInt64s("y", [1], [1])], 1, 1).Matches);
        Assert.False(ToleranceComparer.Compare([F(1)], [], 1, 1).Matches);
    }

    [Fact]
    public void Compare_IntegerTensors_RequireExactEquality()
    {
        var a = OnnxTensor.FromInt64s("i", [2], [5, 6]);
        var b = OnnxTensor.FromInt64s("i", [2], [5, 7]);

        Assert.True(ToleranceComparer.Compare([a], [a], 1, 1).Matches);
        Assert.False(ToleranceComparer.Compare([a], [b], 1, 1e9).Matches);
    }

    [Property(MaxTest = 200)]
    public bool Compare_IdenticalTensors_AlwaysMatchEvenWithZeroTolerance(float[] values)
        => ToleranceComparer.Compare([F(values)], [F(values)], 0, 0).Matches;

    [Fact]
    public void FromPolicy_PicoUnits_ConvertToFractions()
    {
        var (rtol, atol) = ToleranceComparer.FromPolicy(new VerificationPolicy(VerificationMode.Tolerance, 1_000_000_000, 100_000));

        Assert.Equal(1e-3, rtol, 15);
        Assert.Equal(1e-7, atol, 15);
    }
}
