using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Models;

/// <summary>Builds <c>onnx/v1</c> unit inputs for the ResNet18 image featurizer.</summary>
/// <remarks>
/// Unit format: one float tensor named <c>Input247</c> of shape <c>[1, 3, 224, 224]</c> holding the
/// image in CHW order, RGB, already normalised with the ImageNet mean and standard deviation. The
/// output is <c>Pooling395_Output_0</c> <c>[1, 512, 1, 1]</c>, the image's feature vector.
/// </remarks>
public static class ResNet18Units
{
    /// <summary>The model's input name.</summary>
    public const string InputName = "Input247";

    /// <summary>Image side in pixels.</summary>
    public const int Side = 224;

    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Builds the input tensor from RGB bytes (HWC, 224×224×3).</summary>
    /// <param name="rgb">The pixels, row-major, three bytes each.</param>
    /// <returns>The normalised CHW input tensor.</returns>
    public static OnnxTensor Tensor(ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(rgb.Length, Side * Side * 3);
        var chw = new float[3 * Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    chw[(c * Side * Side) + (y * Side) + x] = ((rgb[(((y * Side) + x) * 3) + c] / 255f) - Mean[c]) / Std[c];
                }
            }
        }

        return OnnxTensor.FromFloats(InputName, [1, 3, Side, Side], chw);
    }

    /// <summary>Encodes RGB pixels as a unit input blob.</summary>
    /// <param name="rgb">The pixels (HWC, 224×224×3).</param>
    /// <returns>The blob bytes.</returns>
    public static byte[] Encode(ReadOnlySpan<byte> rgb) => OnnxUnitFormat.Encode([Tensor(rgb)]);

    /// <summary>A deterministic synthetic image (gradients, stripes and a disc that vary with <paramref name="index"/>).</summary>
    /// <param name="index">Which image of the sample set.</param>
    /// <returns>RGB pixels, HWC.</returns>
    public static byte[] SyntheticImage(int index)
    {
        var rgb = new byte[Side * Side * 3];
        var cx = 40 + (index * 37 % 140);
        var cy = 60 + (index * 53 % 100);
        var r = 20 + (index * 11 % 50);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var o = ((y * Side) + x) * 3;
                var inDisc = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < r * r;
                rgb[o] = (byte)(inDisc ? 230 : (x + (index * 17)) % 256);
                rgb[o + 1] = (byte)(((y / (4 + (index % 5))) % 2 == 0) ? 200 : 40);
                rgb[o + 2] = (byte)((x * y / 97 + (index * 29)) % 256);
            }
        }

        return rgb;
    }
}
