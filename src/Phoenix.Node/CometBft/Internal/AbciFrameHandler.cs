using System.Buffers;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using V038 = Phoenix.Node.CometBft.Wire.V038;
using V1 = Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// Socket frames of one wire version: parse the <c>Request</c>, dispatch it, frame the <c>Response</c> (or a
/// <c>Response.exception</c>). The two versions differ only in their generated types, supplied by <see cref="AbciFrameHandler.ForV038"/>
/// and <see cref="AbciFrameHandler.ForV1"/>.
/// </summary>
internal sealed class AbciFrameHandler<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<TRequest, TResponse?> dispatch,
    Func<TRequest, string> methodName,
    Func<TRequest, bool> isFlush,
    Func<string, TResponse> exception,
    ILogger logger) : IAbciFrameHandler
    where TRequest : IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public FrameOutcome Handle(ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        TRequest request;
        try
        {
            request = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            CometBftLog.MalformedFrame(logger, e.Message);
            WriteException("Malformed ABCI request: " + e.Message, output);
            return FrameOutcome.Close;
        }

        TResponse? response;
        try
        {
            response = dispatch(request);
        }
        catch (AbciCallOrderException e)
        {
            CometBftLog.CallRejected(logger, methodName(request), e.Message);
            response = exception(e.Message);
        }
        catch (AbciMappingException e)
        {
            CometBftLog.CallRejected(logger, methodName(request), e.Message);
            response = exception(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CometBftLog.ApplicationFault(logger, methodName(request), e);
            response = exception("Application error: " + e.Message);
        }

        if (response is null)
        {
            CometBftLog.MalformedFrame(logger, "unknown request type");
            WriteException("Malformed ABCI request: no known method (unknown or empty Request.value).", output);
            return FrameOutcome.Close;
        }

        AbciFraming.WriteFrame(output, response);
        return isFlush(request) ? FrameOutcome.Flush : FrameOutcome.Continue;
    }

    public void WriteException(string error, IBufferWriter<byte> output) => AbciFraming.WriteFrame(output, exception(error));
}

/// <summary>The frame handlers of the supported wire versions.</summary>
internal static class AbciFrameHandler
{
    /// <summary>CometBFT v0.38 (<c>tendermint.abci.Request</c>/<c>Response</c>).</summary>
    public static IAbciFrameHandler ForV038(AbciDispatcherV038 dispatcher, ILogger logger) => new AbciFrameHandler<V038.Request, V038.Response>(
        V038.Request.Parser,
        dispatcher.Dispatch,
        static r => r.ValueCase.ToString(),
        static r => r.ValueCase == V038.Request.ValueOneofCase.Flush,
        static e => new V038.Response { Exception = new V038.ResponseException { Error = e } },
        logger);

    /// <summary>CometBFT v1.0 (<c>cometbft.abci.v1.Request</c>/<c>Response</c>).</summary>
    public static IAbciFrameHandler ForV1(AbciDispatcherV1 dispatcher, ILogger logger) => new AbciFrameHandler<V1.Request, V1.Response>(
        V1.Request.Parser,
        dispatcher.Dispatch,
        static r => r.ValueCase.ToString(),
        static r => r.ValueCase == V1.Request.ValueOneofCase.Flush,
        static e => new V1.Response { Exception = new V1.ExceptionResponse { Error = e } },
        logger);
}
