using Microsoft.Extensions.Logging;

namespace Phoenix.Compute.Internal;

/// <summary>Source-generated log messages of Phoenix.Compute (event ids 5000–5999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, EventName = "ExecutionProviderSelected", Level = LogLevel.Information, Message = "ONNX models run on {Provider} (determinism class {DeterminismClass}).")]
    public static partial void ExecutionProviderSelected(ILogger logger, string provider, string determinismClass);

    [LoggerMessage(EventId = 5001, EventName = "CudaFallback", Level = LogLevel.Warning, Message = "CUDA is listed by ONNX Runtime but could not be used; falling back to CPU.")]
    public static partial void CudaFallback(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5002, EventName = "ModelLoaded", Level = LogLevel.Debug, Message = "Loaded model {ModelId} ({Bytes} bytes).")]
    public static partial void ModelLoaded(ILogger logger, Phoenix.Protocol.Primitives.Hash32 modelId, int bytes);

    [LoggerMessage(EventId = 5003, EventName = "UnitFailed", Level = LogLevel.Warning, Message = "Unit {UnitIndex} of model {ModelId} failed: {Code}.")]
    public static partial void UnitFailed(ILogger logger, uint unitIndex, Phoenix.Protocol.Primitives.Hash32 modelId, WorkloadErrorCode code);
}
