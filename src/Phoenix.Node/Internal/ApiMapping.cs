using Google.Protobuf;
using Phoenix.Node.Api;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using NodeV1 = Phoenix.Protocol.Node.V1;

namespace Phoenix.Node.Internal;

/// <summary>Conversions between domain types and the node API's wire DTOs (at the edge only).</summary>
internal static class ApiMapping
{
    public static ByteString Bytes(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? ByteString.Empty : ByteString.CopyFrom(bytes.Span);

    public static ByteString Bytes(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());

    public static Google.Protobuf.WellKnownTypes.Timestamp Time(Timestamp t) => new() { Seconds = t.Seconds, Nanos = t.Nanos };

    public static NodeV1.Event ToProto(AbciEvent e)
    {
        var result = new NodeV1.Event { Type = e.Type };
        foreach (var a in e.Attributes)
        {
            result.Attributes.Add(new NodeV1.EventAttribute { Key = a.Key, Value = a.Value, Index = a.Index });
        }

        return result;
    }

    public static NodeV1.TxResult ToProto(ExecTxResult r)
    {
        var result = new NodeV1.TxResult
        {
            Code = r.Code,
            Data = Bytes(r.Data),
            Log = r.Log,
            Info = r.Info,
            GasWanted = r.GasWanted,
            GasUsed = r.GasUsed,
            Codespace = r.Codespace,
        };
        result.Events.AddRange(r.Events.Select(ToProto));
        return result;
    }

    public static ExecTxResult FromProto(NodeV1.TxResult? r)
    {
        r ??= new NodeV1.TxResult();
        return new ExecTxResult(
            r.Code,
            r.Data.ToByteArray(),
            r.Log,
            r.Info,
            r.GasWanted,
            r.GasUsed,
            r.Events.Select(e => new AbciEvent(e.Type, e.Attributes.Select(a => new EventAttribute(a.Key, a.Value, a.Index)).ToArray())).ToArray(),
            r.Codespace);
    }

    public static NodeV1.Block ToProto(ApiBlock b)
    {
        var block = new NodeV1.Block
        {
            Height = b.Height,
            Hash = Bytes(b.Hash),
            Time = Time(b.Time),
            ProposerAddress = Bytes(b.ProposerAddress),
            AppHash = Bytes(b.AppHash),
            LastBlockHash = Bytes(b.LastBlockHash),
            Raw = Bytes(b.Raw),
        };
        block.Txs.AddRange(b.Txs.Select(Bytes));
        return block;
    }

    public static NodeV1.AdmissionStatus ToProto(MempoolAdmissionStatus s) => s switch
    {
        MempoolAdmissionStatus.Accepted => NodeV1.AdmissionStatus.Accepted,
        MempoolAdmissionStatus.AlreadyKnown => NodeV1.AdmissionStatus.AlreadyKnown,
        MempoolAdmissionStatus.Full => NodeV1.AdmissionStatus.Full,
        MempoolAdmissionStatus.TooLarge => NodeV1.AdmissionStatus.TooLarge,
        _ => NodeV1.AdmissionStatus.Rejected,
    };

    public static NodeV1.QueryStateResponse ToProto(QueryResponse r)
    {
        var result = new NodeV1.QueryStateResponse
        {
            Code = r.Code,
            Log = r.Log,
            Info = r.Info,
            Index = r.Index,
            Key = Bytes(r.Key),
            Value = Bytes(r.Value),
            Height = r.Height,
            Codespace = r.Codespace,
        };
        result.ProofOps.AddRange(r.ProofOps.Select(p => new NodeV1.ProofOp { Type = p.Type, Key = Bytes(p.Key), Data = Bytes(p.Data) }));
        return result;
    }
}
