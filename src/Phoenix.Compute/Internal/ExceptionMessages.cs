using System.Globalization;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Internal;

/// <summary>Every exception message of Phoenix.Compute, in one place.</summary>
internal static class ExceptionMessages
{
    public const string NotATensorProto = "The bytes are not a valid ONNX TensorProto.";
    public const string NotAUnitBlob = "The bytes are not a valid Phoenix unit blob (an ONNX SequenceProto of tensors).";
    public const string NotAModel = "The bytes are not a valid ONNX ModelProto.";
    public const string CudaNotListed = "The CUDA execution provider was asked for, but ONNX Runtime in this process does not list it (reference Microsoft.ML.OnnxRuntime.Gpu and install the CUDA runtime, or use Auto or Cpu).";

    public static string CudaFailed(string why) => $"The CUDA execution provider was asked for but could not be used: {why}";

    public static string DeterminismClassMismatch(string task, string own)
        => $"The task's exact results must be bit-identical in determinism class '{task}', but this executor runs in '{own}'.";

    public static string TensorSizeMismatch(string name, long count, int size, int actual)
        => string.Create(CultureInfo.InvariantCulture, $"Tensor '{name}' has {count} elements of {size} bytes but {actual} data bytes.");

    public static string WrongElementType(string name, OnnxElementType expected, OnnxElementType actual)
        => $"Tensor '{name}' has element type {actual}, not {expected}.";

    public static string UnsupportedElementType(string name, int dataType)
        => string.Create(CultureInfo.InvariantCulture, $"Tensor '{name}' has unsupported ONNX data_type {dataType} (strings and complex numbers are not supported).");

    public static string ExternalData(string name) => $"Tensor '{name}' uses external data, which is not supported.";

    public static string NegativeDimension(string name) => $"Tensor '{name}' has a negative dimension.";

    public static string TensorTooLarge(string name) => $"Tensor '{name}' has more elements than fit in a 64-bit count.";

    public static string DuplicateTensorName(string name) => $"The unit holds two tensors named '{name}'.";

    public static string UnnamedTensor(int index) => string.Create(CultureInfo.InvariantCulture, $"Tensor {index} of the unit has no name.");

    public static string UnknownInput(string name, IEnumerable<string> expected)
        => $"The model has no input named '{name}'; its inputs are: {string.Join(", ", expected)}.";

    public static string MissingInput(string name) => $"The model input '{name}' was not supplied.";

    public static string InputTypeMismatch(string name, string expected, OnnxElementType actual)
        => $"Input '{name}' must have element type {expected}, not {actual}.";

    public static string InputShapeMismatch(string name, IEnumerable<int> expected, IEnumerable<long> actual)
        => $"Input '{name}' must have shape [{string.Join(", ", expected.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}], not [{string.Join(", ", actual)}].";

    public static string TimeLimit(TimeSpan limit) => string.Create(CultureInfo.InvariantCulture, $"The unit exceeded its time limit of {limit.TotalMilliseconds} ms.");

    public static string MemoryLimit(long bytes, long limit) => string.Create(CultureInfo.InvariantCulture, $"The unit's tensors take {bytes} bytes; the limit is {limit} bytes.");

    public static string ModelIdMismatch(string expected, string actual) => $"The model bytes hash to {actual}, not {expected}.";

    public static string NotTraceable(string why) => $"The model cannot be traced: {why}.";
}
