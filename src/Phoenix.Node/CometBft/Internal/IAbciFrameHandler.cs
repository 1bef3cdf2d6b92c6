using System.Buffers;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>What the connection loop does after handling a frame.</summary>
internal enum FrameOutcome
{
    /// <summary>Keep reading; the response stays buffered.</summary>
    Continue,

    /// <summary>The request was <c>Flush</c>: flush the write buffer.</summary>
    Flush,

    /// <summary>The frame was malformed: flush the exception response and close the connection.</summary>
    Close,
}

/// <summary>Handles one version's socket frames.</summary>
internal interface IAbciFrameHandler
{
    /// <summary>Parses one request payload, answers it into <paramref name="output"/> (framed) and says what to do next.</summary>
    FrameOutcome Handle(ReadOnlySequence<byte> payload, IBufferWriter<byte> output);

    /// <summary>Writes a framed <c>Response.exception</c>.</summary>
    void WriteException(string error, IBufferWriter<byte> output);
}
