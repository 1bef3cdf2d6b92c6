using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Node.Benchmarks.EndToEnd;

/// <summary>
/// End-to-end load on a 4-validator loopback network (real PhoenixNode hosts: gRPC peer streams, RocksDB, the Phoenix
/// application): an open-loop generator submits pre-signed transfers from many senders into the validators' mempools
/// at a fixed rate; committed tx/s and submit→commit latency (median, p99) are measured from node 0's event stream.
/// Run: <c>dotnet run -c Release --project benchmarks/Phoenix.Node.Benchmarks -- --e2e [--rate 3000] [--seconds 30] [--senders 2000] [--commit-ms 1000]</c>.
/// </summary>
internal static class LoopbackNetworkLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Arg(args, "--rate", 3000);
        var seconds = Arg(args, "--seconds", 30);
        var senders = Arg(args, "--senders", 2000);
        var commitMs = Arg(args, "--commit-ms", 1000);
        var total = rate * seconds;
        var perSender = (total + senders - 1) / senders;
        const string chainId = "phoenix-bench-1";
        var root = Directory.CreateTempSubdirectory("phx-e2e-").FullName;
        try
        {
            Console.WriteLine($"4 validators, {senders} senders, {rate} tx/s offered for {seconds} s, commit timeout {commitMs} ms");
            var seeds = Enumerable.Range(0, senders).Select(i => SHA256.HashData(Encoding.UTF8.GetBytes("bench-sender-" + i))).ToArray();
            var addresses = seeds.Select(s => PublicKey.FromSeed(s).Address).ToArray();
            var homes = ValidatorNetwork.Initialize(chainId, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                [.. Enumerable.Range(0, 4).Select(i => Path.Combine(root, "v" + i))],
                b =>
                {
                    foreach (var a in addresses)
                    {
                        b.AddAccount(a, Amount.FromTokens(1_000_000, Denom.Phnx));
                    }
                });

            var sw = Stopwatch.StartNew();
            var txs = new byte[senders][][];
            Parallel.For(0, senders, s =>
            {
                txs[s] = new byte[perSender][];
                for (var k = 0; k < perSender; k++)
                {
                    var body = new TxBody { ChainId = chainId };
                    body.Messages.Add(new SendMessage(addresses[(s + 1) % senders], [new Amount(1, Denom.Phnx)]).ToWire());
                    txs[s][k] = TxEncoding.Sign(body, (ulong)k, new Amount(1000, Denom.Phnx), seeds[s]);
                }
            });
            Console.WriteLine($"signed {senders * perSender} transfers in {sw.Elapsed.TotalSeconds:F1} s");

            var nodes = new PhoenixNode[4];
            for (var i = 0; i < 4; i++)
            {
                var o = homes[i].CreateOptions();
                o.ListenUrl = "http://127.0.0.1:0";
                o.Consensus.Timeouts = new ConsensusTimeoutOptions { Commit = TimeSpan.FromMilliseconds(commitMs) };
                o.Mempool.MaxTxs = Math.Max(o.Mempool.MaxTxs, rate * 20);
                o.Mempool.CacheSize = Math.Max(o.Mempool.CacheSize, total * 2);
                o.Api.EventQueueCapacity = 100_000;
                nodes[i] = await PhoenixNode.StartAsync(o);
            }

            for (var i = 0; i < 4; i++)
            {
                for (var j = 0; j < 4; j++)
                {
                    if (i != j)
                    {
                        nodes[i].AddPeer(nodes[j].NodeId, nodes[j].ListenAddress);
                    }
                }
            }

            while (nodes.Min(n => n.Height) < 2)
            {
                await Task.Delay(50);
            }

            var submitted = new ConcurrentDictionary<Hash32, long>();
            var latencies = new List<double>();
            var committedInWindow = 0L;
            long loadStart = 0, loadEnd = long.MaxValue;
            var blocks = new List<(long Height, int Txs, long At)>();
            using var subscription = nodes[0].Events.Subscribe();
            var reader = Task.Run(async () =>
            {
                await foreach (var block in subscription.Reader.ReadAllAsync())
                {
                    var now = Stopwatch.GetTimestamp();
                    lock (latencies)
                    {
                        blocks.Add((block.Block.Height, block.Block.Txs.Count, now));
                        foreach (var hash in block.TxHashes)
                        {
                            if (submitted.TryRemove(hash, out var at))
                            {
                                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalSeconds);
                                if (now <= loadEnd)
                                {
                                    committedInWindow++;
                                }
                            }
                        }
                    }
                }
            });

            // Open loop: every 10 ms submit what the rate owes; each sender sticks to one validator (sequence order).
            var rejected = 0L;
            var next = new int[senders];
            var sent = 0L;
            loadStart = Stopwatch.GetTimestamp();
            var cursor = 0;
            while (Stopwatch.GetElapsedTime(loadStart).TotalSeconds < seconds)
            {
                var owed = (long)(Stopwatch.GetElapsedTime(loadStart).TotalSeconds * rate) - sent;
                for (var n = 0; n < owed; n++)
                {
                    var s = cursor;
                    cursor = (cursor + 1) % senders;
                    if (next[s] >= perSender)
                    {
                        continue;
                    }

                    var tx = txs[s][next[s]++];
                    var hash = Hash32.Sha256(tx);
                    submitted[hash] = Stopwatch.GetTimestamp();
                    if (nodes[s % 4].Mempool.Add(tx).Status != MempoolAdmissionStatus.Accepted)
                    {
                        submitted.TryRemove(hash, out _);
                        rejected++;
                    }

                    sent++;
                }

                await Task.Delay(10);
            }

            loadEnd = Stopwatch.GetTimestamp();
            var drainUntil = DateTimeOffset.UtcNow.AddSeconds(20);
            while (!submitted.IsEmpty && DateTimeOffset.UtcNow < drainUntil)
            {
                await Task.Delay(100);
            }

            var window = Stopwatch.GetElapsedTime(loadStart, loadEnd).TotalSeconds;
            List<double> sorted;
            List<(long Height, int Txs, long At)> blockList;
            long inWindow;
            lock (latencies)
            {
                sorted = [.. latencies.Order()];
                blockList = [.. blocks];
                inWindow = committedInWindow;
            }

            var loadBlocks = blockList.Where(b => b.At >= loadStart && b.At <= loadEnd).ToList();
            var interval = loadBlocks.Count > 1 ? Stopwatch.GetElapsedTime(loadBlocks[0].At, loadBlocks[^1].At).TotalSeconds / (loadBlocks.Count - 1) : double.NaN;
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"| offered tx/s | senders | seconds | commit timeout | committed tx/s (load window) | median submit→commit | p99 | blocks in window | mean block interval | max txs/block | rejected at submit | not committed after drain |");
            report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {rate} | {senders} | {seconds} | {commitMs} ms | {inWindow / window:F0} | {Percentile(sorted, 0.5):F2} s | {Percentile(sorted, 0.99):F2} s | {loadBlocks.Count} | {interval:F2} s | {(blockList.Count == 0 ? 0 : blockList.Max(b => b.Txs))} | {rejected} | {submitted.Count} |");
            Console.WriteLine(report);
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average: {LoadAverage()}");

            subscription.Dispose();
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            await reader.ConfigureAwait(false);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
