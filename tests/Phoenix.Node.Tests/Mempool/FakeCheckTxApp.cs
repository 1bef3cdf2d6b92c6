using System.Text;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Tests.Mempool;

/// <summary>
/// A tiny application whose transactions are UTF-8 "sender:seq:payload[:priority]". CheckTx admits a
/// transaction when its sequence is the next one for the sender in the check state; committing a block
/// advances the committed sequences and resets the check state to them (as a real application does).
/// </summary>
internal sealed class FakeCheckTxApp : IAbciApplication
{
    public const uint MalformedCode = 2;
    public const uint BadSequenceCode = 3;

    private readonly Dictionary<string, ulong> _committed = new(StringComparer.Ordinal);
    private Dictionary<string, ulong> _check = new(StringComparer.Ordinal);

    public int CheckTxCalls { get; private set; }

    public int RecheckCalls { get; private set; }

    public static byte[] Tx(string sender, ulong seq, string payload = "x", long priority = 0)
        => Encoding.UTF8.GetBytes($"{sender}:{seq}:{payload}:{priority}");

    public static bool TryDecode(ReadOnlySpan<byte> tx, out string sender, out ulong seq, out long priority)
    {
        sender = "";
        seq = 0;
        priority = 0;
        var parts = Encoding.UTF8.GetString(tx).Split(':');
        if (parts.Length is < 3 or > 4 || parts[0].Length == 0 || !ulong.TryParse(parts[1], out seq))
        {
            return false;
        }

        if (parts.Length == 4 && !long.TryParse(parts[3], out priority))
        {
            return false;
        }

        sender = parts[0];
        return true;
    }

    public CheckTxResponse CheckTx(CheckTxRequest request)
    {
        CheckTxCalls++;
        if (request.Kind == CheckTxKind.Recheck)
        {
            RecheckCalls++;
        }

        if (!TryDecode(request.Tx.Span, out var sender, out var seq, out var priority))
        {
            return new CheckTxResponse(MalformedCode, default, "malformed transaction", "", 0, 0, [], "fake");
        }

        var expected = _check.GetValueOrDefault(sender);
        if (seq != expected)
        {
            return new CheckTxResponse(BadSequenceCode, default, $"expected sequence {expected}, got {seq}", "", 0, 0, [], "fake");
        }

        _check[sender] = seq + 1;
        return new CheckTxResponse(0, default, "", "", 1, 0, [], "")
        {
            Sender = Encoding.UTF8.GetBytes(sender),
            Sequence = seq,
            Priority = priority,
        };
    }

    /// <summary>Executes a block: every transaction with the right sequence advances its sender; the check state resets.</summary>
    public void CommitBlock(IEnumerable<ReadOnlyMemory<byte>> txs)
    {
        foreach (var tx in txs)
        {
            if (TryDecode(tx.Span, out var sender, out var seq, out _) && seq == _committed.GetValueOrDefault(sender))
            {
                _committed[sender] = seq + 1;
            }
        }

        _check = new Dictionary<string, ulong>(_committed, StringComparer.Ordinal);
    }

    public ulong CommittedSequence(string sender) => _committed.GetValueOrDefault(sender);

    public InfoResponse Info(InfoRequest request) => throw new NotSupportedException();

    public InitChainResponse InitChain(InitChainRequest request) => throw new NotSupportedException();

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request) => throw new NotSupportedException();

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request) => throw new NotSupportedException();

    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request) => throw new NotSupportedException();

    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request) => throw new NotSupportedException();

    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request) => throw new NotSupportedException();

    public CommitResponse Commit() => throw new NotSupportedException();

    public QueryResponse Query(QueryRequest request) => throw new NotSupportedException();

    public ListSnapshotsResponse ListSnapshots() => throw new NotSupportedException();

    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request) => throw new NotSupportedException();

    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request) => throw new NotSupportedException();

    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request) => throw new NotSupportedException();
}
