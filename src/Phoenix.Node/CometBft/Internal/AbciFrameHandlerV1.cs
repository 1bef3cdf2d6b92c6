using System.Buffers;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Socket frames for CometBFT v1.0 (<c>cometbft.abci.v1.Request</c>/<c>Response</c>).</summary>
internal sealed class AbciFrameHandlerV1(AbciDispatcherV1 dispatcher, ILogger logger) : IAbciFrameHandler
{
    public FrameOutcome Handle(ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        Request request;
        try
        {
            request = Request.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            CometBftLog.MalformedFrame(logger, e.Message);
            WriteException("Malformed ABCI request: " + e.Message, output);
            return FrameOutcome.Close;
        }

        Response? response;
        try
        {
            response = dispatcher.Dispatch(request);
        }
        catch (AbciCallOrderException e)
        {
            CometBftLog.CallRejected(logger, request.ValueCase.ToString(), e.Message);
            response = new Response { Exception = new ExceptionResponse { Error = e.Message } };
        }
        catch (AbciMappingException e)
        {
            CometBftLog.CallRejected(logger, request.ValueCase.ToString(), e.Message);
            response = new Response { Exception = new ExceptionResponse { Error = e.Message } };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CometBftLog.ApplicationFault(logger, request.ValueCase.ToString(), e);
            response = new Response { Exception = new ExceptionResponse { Error = "Application error: " + e.Message } };
        }

        if (response is null)
        {
            CometBftLog.MalformedFrame(logger, "unknown request type");
            WriteException("Malformed ABCI request: no known method (unknown or empty Request.value).", output);
            return FrameOutcome.Close;
        }

        AbciFraming.WriteFrame(output, response);
        return request.ValueCase == Request.ValueOneofCase.Flush ? FrameOutcome.Flush : FrameOutcome.Continue;
    }

    public void WriteException(string error, IBufferWriter<byte> output) =>
        AbciFraming.WriteFrame(output, new Response { Exception = new ExceptionResponse { Error = error } });
}
