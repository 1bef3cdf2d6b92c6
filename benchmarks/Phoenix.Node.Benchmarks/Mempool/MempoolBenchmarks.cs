using System.Text;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Benchmarks.Mempool;

/// <summary>Mempool admission and proposal selection for 2,000 transactions from 100 senders.</summary>
[MemoryDiagnoser]
public class MempoolBenchmarks
{
    private byte[][] _txs = [];
    private byte[][] _duplicates = [];

    [GlobalSetup]
    public void Setup()
    {
        _txs = Enumerable.Range(0, 2000).Select(i => Encoding.UTF8.GetBytes($"s{i % 100}:{i / 100}:{new string('x', 200)}:{i % 7}")).ToArray();
        _duplicates = Enumerable.Repeat(_txs[0], 2000).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int AddUnique()
    {
        var pool = new TxMempool(new AcceptAllApp(), new MempoolOptions());
        foreach (var tx in _txs)
        {
            pool.Add(tx);
        }

        return pool.Count;
    }

    [Benchmark]
    public int AddDuplicates()
    {
        var pool = new TxMempool(new AcceptAllApp(), new MempoolOptions());
        foreach (var tx in _duplicates)
        {
            pool.Add(tx);
        }

        return pool.Count;
    }

    [Benchmark]
    public int AddUniqueThenReap()
    {
        var pool = new TxMempool(new AcceptAllApp(), new MempoolOptions());
        foreach (var tx in _txs)
        {
            pool.Add(tx);
        }

        return pool.Reap(-1, -1).Count;
    }

    /// <summary>Decodes "sender:seq:payload:priority" and accepts it (measures the mempool, not an application).</summary>
    private sealed class AcceptAllApp : IAbciApplication
    {
        public CheckTxResponse CheckTx(CheckTxRequest request)
        {
            var parts = Encoding.UTF8.GetString(request.Tx.Span).Split(':');
            return new CheckTxResponse(0, default, "", "", 1, 0, [], "")
            {
                Sender = Encoding.UTF8.GetBytes(parts[0]),
                Sequence = ulong.Parse(parts[1]),
                Priority = long.Parse(parts[3]),
            };
        }

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
}
