using System.Diagnostics;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Benchmarks;

internal static class Profile
{
    private sealed class AlreadyVerified : ISignatureBatchVerifier
    {
        public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results) => results.Fill(true);
    }

    public static void Run(int count)
    {
        var keys = Enumerable.Range(0, count).Select(TestKeys.Numbered).ToList();
        var builder = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime);
        foreach (var key in keys)
        {
            builder.AddAccount(key.Address, Amount.FromTokens(1_000, Denom.Phnx), Amount.FromTokens(1_000, Denom.Spark));
        }

        var app = new PhoenixApplicationBuilder().UseSignatureVerifier(new AlreadyVerified()).Build();
        app.InitChain(new InitChainRequest(TestChain.GenesisTime, TestChain.ChainId, null, [], builder.Build().ToJson(), 1));
        var txs = keys.Select((k, i) => (ReadOnlyMemory<byte>)Build.A.Transfer.From(k).To(keys[(i + 1) % count]).Amount(1_000, Denom.Spark).Fee(100, Denom.Phnx).Signed()).ToList();
        var sw = Stopwatch.StartNew();
        foreach (var t in txs)
        {
            app.Decoder.Decode(t.Span);
        }

        var decode = sw.Elapsed.TotalMicroseconds / count;
        var request = new FinalizeBlockRequest(txs, CommitInfo.Empty, [], new byte[32], 1, TestChain.GenesisTime.AddSeconds(5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);
        app.FinalizeBlock(request);
        sw.Restart();
        app.FinalizeBlock(request);
        var finalize = sw.Elapsed.TotalMicroseconds / count;
        Console.WriteLine($"block of {count}: decode {decode:F1} us/tx, FinalizeBlock (pre-verified) {finalize:F1} us/tx");
    }
}
