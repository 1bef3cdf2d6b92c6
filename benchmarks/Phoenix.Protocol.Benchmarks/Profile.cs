using System.Diagnostics;
using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Benchmarks;

/// <summary>
/// A paired harness for the shared machine (<c>--paired [rounds]</c>): each round runs raw verification of the
/// block's signatures, FinalizeBlock with sequential verification, and FinalizeBlock with the signatures
/// already verified, once each, and reports medians of wall time and of process CPU time per transaction.
/// CPU time counts only this process's work, so it gives the one-core rate even while other processes hold
/// the cores. <c>--loop seconds</c> runs FinalizeBlock (pre-verified) in a loop for an external profiler.
/// </summary>
internal static class Profile
{
    private sealed class AlreadyVerified : ISignatureBatchVerifier
    {
        public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results) => results.Fill(true);
    }

    private sealed record Setup(PhoenixApplication Sequential, PhoenixApplication PreVerified, List<ReadOnlyMemory<byte>> Txs, List<SignedTransaction> Decoded);

    private static Setup Create(int count)
    {
        var keys = Enumerable.Range(0, count).Select(TestKeys.Numbered).ToList();
        var builder = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime);
        foreach (var key in keys)
        {
            builder.AddAccount(key.Address, Amount.FromTokens(1_000, Denom.Phnx), Amount.FromTokens(1_000, Denom.Spark));
        }

        var genesis = builder.Build().ToJson();
        var sequential = Init(new PhoenixApplicationBuilder(), genesis);
        var preVerified = Init(new PhoenixApplicationBuilder().UseSignatureVerifier(new AlreadyVerified()), genesis);
        var txs = keys.Select((k, i) => (ReadOnlyMemory<byte>)Build.A.Transfer.From(k).To(keys[(i + 1) % count]).Amount(1_000, Denom.Spark).Fee(100, Denom.Phnx).Signed()).ToList();
        var decoded = txs.Select(t => sequential.Decoder.Decode(t.Span).Transaction!).ToList();
        return new Setup(sequential, preVerified, txs, decoded);
    }

    private static PhoenixApplication Init(PhoenixApplicationBuilder builder, byte[] genesis)
    {
        var app = builder.Build();
        app.InitChain(new InitChainRequest(TestChain.GenesisTime, TestChain.ChainId, null, [], genesis, 1));
        return app;
    }

    private static FinalizeBlockRequest Request(List<ReadOnlyMemory<byte>> txs)
        => new(txs, CommitInfo.Empty, [], new byte[32], 1, TestChain.GenesisTime.AddSeconds(5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);

    public static void Paired(int rounds, int count = 10_000)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, load average {LoadAverage()}");
        var s = Create(count);
        var request = Request(s.Txs);
        var appHash = Check(s.Sequential.FinalizeBlock(request));
        var a0 = GC.GetAllocatedBytesForCurrentThread();
        Check(s.PreVerified.FinalizeBlock(request));
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - a0) / count;
        Console.WriteLine($"app hash of the block: {Convert.ToHexString(appHash.Span)}; FinalizeBlock allocates {allocated} B/tx");
        (string Name, Func<object> Call)[] cases =
        [
            ("verify signatures only (baseline)", () => s.Decoded.Count(t => t.VerifySignature())),
            ("decode only", () => s.Txs.Count(t => s.Sequential.Decoder.Decode(t.Span).IsOk)),
            ("FinalizeBlock, sequential verify", () => Check(s.Sequential.FinalizeBlock(request))),
            ("FinalizeBlock, signatures pre-verified (apply only)", () => Check(s.PreVerified.FinalizeBlock(request))),
        ];
        var wall = cases.Select(_ => new List<double>()).ToArray();
        var cpu = cases.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds + 1; r++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var c0 = CpuClock.NowMs();
                var w0 = Stopwatch.GetTimestamp();
                cases[c].Call();
                var w = Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
                var cp = CpuClock.NowMs() - c0;
                if (r > 0)
                {
                    wall[c].Add(w * 1000 / count);
                    cpu[c].Add(cp * 1000 / count);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"block of {count} signed transfers, {rounds} rounds, medians per transaction"));
        Console.WriteLine();
        Console.WriteLine("| case | wall µs/tx | CPU µs/tx | tx per CPU-second | CPU ratio to verify |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        var baseline = Median(cpu[0]);
        for (var c = 0; c < cases.Length; c++)
        {
            var mc = Median(cpu[c]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cases[c].Name} | {Median(wall[c]):F1} | {mc:F1} | {1e6 / mc:N0} | {mc / baseline:F3} |"));
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
    }

    public static void Loop(double seconds, int count = 10_000)
    {
        var s = Create(count);
        var request = Request(s.Txs);
        Check(s.PreVerified.FinalizeBlock(request));
        Console.WriteLine("setup done");
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            Check(s.PreVerified.FinalizeBlock(request));
            n++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} blocks, {sw.Elapsed.TotalMicroseconds / n / count:F1} µs/tx wall"));
    }

    private static ReadOnlyMemory<byte> Check(FinalizeBlockResponse r)
        => r.TxResults.All(t => t.Code == 0) ? r.AppHash : throw new InvalidOperationException(r.TxResults.First(t => t.Code != 0).Log);

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
