using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Diagnostics;
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
/// Run: <c>dotnet run -c Release --project benchmarks/Phoenix.Node.Benchmarks -- --e2e [--rate 3000] [--seconds 30] [--senders 2000] [--commit-ms 1000] [--warmup 5] [--tx-cache DIR] [--signature-cache N]</c>
/// (<c>--signature-cache 0</c>: no signature cache and no verification ahead of the mempool lock, as before that change).
/// The last line is a one-line <c>SUMMARY</c> (offered, committed tx/s, median and p99 submit→commit, blocks, mean block interval).
/// </summary>
internal static class LoopbackNetworkLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Arg(args, "--rate", 3000);
        var seconds = Arg(args, "--seconds", 30);
        var senders = Arg(args, "--senders", 2000);
        var commitMs = Arg(args, "--commit-ms", 1000);
        var warmup = Arg(args, "--warmup", 5);
        var total = rate * (warmup + seconds);
        var perSender = (total + senders - 1) / senders;
        const string chainId = "phoenix-bench-1";
        var root = Directory.CreateTempSubdirectory("phx-e2e-").FullName;
        try
        {
            Console.WriteLine($"4 validators, {senders} senders, {rate} tx/s offered for {warmup} s warm-up + {seconds} s measured, commit timeout {commitMs} ms");
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
            var txs = LoadOrSign(args, chainId, senders, perSender, seeds, addresses);
            Console.WriteLine($"signed {senders * perSender} transfers in {sw.Elapsed.TotalSeconds:F1} s");

            var nodes = new PhoenixNode[4];
            for (var i = 0; i < 4; i++)
            {
                var o = homes[i].CreateOptions();
                o.ListenUrl = "http://127.0.0.1:0";
                o.Consensus.Timeouts = new ConsensusTimeoutOptions { Commit = TimeSpan.FromMilliseconds(commitMs) };
                o.Mempool.MaxTxs = Math.Max(o.Mempool.MaxTxs, rate * 20);
                o.Mempool.CacheSize = Math.Max(o.Mempool.CacheSize, total * 2);
                o.Mempool.SignatureCacheSize = Arg(args, "--signature-cache", Math.Max(o.Mempool.SignatureCacheSize, o.Mempool.MaxTxs * 2));
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
            long windowStart = long.MaxValue, loadEnd = long.MaxValue;
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
                            if (submitted.TryRemove(hash, out var at) && at >= Volatile.Read(ref windowStart))
                            {
                                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalSeconds);
                            }
                        }
                    }
                }
            });

            // Time the four validators' application spends per call kind during the load window (NodeMetrics' abci.duration).
            var abci = new Dictionary<string, (long Calls, double Seconds)>(StringComparer.Ordinal);
            var measuring = false;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == NodeMetrics.MeterName && instrument.Name == "phoenix.node.abci.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                if (!Volatile.Read(ref measuring))
                {
                    return;
                }

                var method = "?";
                foreach (var tag in tags)
                {
                    if (tag.Key == "method")
                    {
                        method = tag.Value as string ?? "?";
                    }
                }

                lock (abci)
                {
                    var (calls, secs) = abci.GetValueOrDefault(method);
                    abci[method] = (calls + 1, secs + value);
                }
            });
            listener.Start();

            // Open loop, one submitter per validator (as independent clients would be): every 10 ms each submits what its
            // share of the rate owes; each sender sticks to one validator (sequence order). The first --warmup seconds are
            // not measured (JIT tiering, caches, the first full blocks).
            var rejected = 0L;
            var rejections = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var loadStart = Stopwatch.GetTimestamp();
            Volatile.Write(ref windowStart, loadStart + (long)(warmup * Stopwatch.Frequency));
            var cpuStart = TimeSpan.Zero;
            var measureTask = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(warmup));
                cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                Volatile.Write(ref measuring, true);
            });
            var submitters = Enumerable.Range(0, 4).Select(v => Task.Factory.StartNew(() =>
            {
                var mine = Enumerable.Range(0, senders).Where(s => s % 4 == v).ToArray();
                var next = new int[senders];
                var sent = 0L;
                var cursor = 0;
                var share = rate / 4.0;
                while (Stopwatch.GetElapsedTime(loadStart).TotalSeconds < warmup + seconds)
                {
                    var owed = (long)(Stopwatch.GetElapsedTime(loadStart).TotalSeconds * share) - sent;
                    for (var n = 0; n < owed; n++)
                    {
                        var s = mine[cursor];
                        cursor = (cursor + 1) % mine.Length;
                        sent++;
                        if (next[s] >= perSender)
                        {
                            continue;
                        }

                        var tx = txs[s][next[s]++];
                        var hash = Hash32.Sha256(tx);
                        submitted[hash] = Stopwatch.GetTimestamp();
                        var admission = nodes[v].Mempool.Add(tx);
                        if (admission.Status != MempoolAdmissionStatus.Accepted)
                        {
                            submitted.TryRemove(hash, out _);
                            Interlocked.Increment(ref rejected);
                            rejections.AddOrUpdate($"{admission.Status}/{admission.Codespace}/{admission.Code}", 1, (_, c) => c + 1);
                        }
                    }

                    Thread.Sleep(10);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(submitters);
            await measureTask;
            loadEnd = Stopwatch.GetTimestamp();
            Volatile.Write(ref measuring, false);
            var cpuWindow = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
            var drainUntil = DateTimeOffset.UtcNow.AddSeconds(20);
            while (!submitted.IsEmpty && DateTimeOffset.UtcNow < drainUntil)
            {
                await Task.Delay(100);
            }

            var window = Stopwatch.GetElapsedTime(windowStart, loadEnd).TotalSeconds;
            List<double> sorted;
            List<(long Height, int Txs, long At)> blockList;
            lock (latencies)
            {
                sorted = [.. latencies.Order()];
                blockList = [.. blocks];
            }

            var loadBlocks = blockList.Where(b => b.At >= windowStart && b.At <= loadEnd).ToList();
            long inWindow = loadBlocks.Sum(b => b.Txs);
            var interval = loadBlocks.Count > 1 ? Stopwatch.GetElapsedTime(loadBlocks[0].At, loadBlocks[^1].At).TotalSeconds / (loadBlocks.Count - 1) : double.NaN;
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"| offered tx/s | senders | seconds | commit timeout | committed tx/s (load window) | median submit→commit | p99 | blocks in window | mean block interval | max txs/block | rejected at submit | not committed after drain |");
            report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {rate} | {senders} | {seconds} | {commitMs} ms | {inWindow / window:F0} | {Percentile(sorted, 0.5):F2} s | {Percentile(sorted, 0.99):F2} s | {loadBlocks.Count} | {interval:F2} s | {(blockList.Count == 0 ? 0 : blockList.Max(b => b.Txs))} | {rejected} | {submitted.Count} |");
            Console.WriteLine(report);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"process CPU in the measured window: {cpuWindow.TotalSeconds:F1} s over {window:F1} s ({cpuWindow.TotalSeconds / window:F2} cores), {1e6 * cpuWindow.TotalSeconds / Math.Max(1, inWindow):F0} µs per committed transaction"));
            foreach (var node in nodes)
            {
                var sig = node.SignatureVerifier;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {node.NodeId[..8]}: signatures verified {sig?.Verifications}, answered from cache {sig?.Hits}"));
            }

            Console.WriteLine("application time in the load window, all four validators (under the application lock):");
            lock (abci)
            {
                foreach (var (method, (calls, secs)) in abci.OrderByDescending(kv => kv.Value.Seconds))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {method,-18} {calls,9} calls {secs,8:F2} s ({secs / cpuWindow.TotalSeconds,6:P1} of process CPU) {1e6 * secs / Math.Max(1, calls),10:F1} µs/call"));
                }
            }

            var load = LoadAverage();
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average: {load}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SUMMARY offered={rate}/s committed={inWindow / window:F0}/s median={Percentile(sorted, 0.5):F2}s p99={Percentile(sorted, 0.99):F2}s blocks={loadBlocks.Count} interval={interval:F2}s rejected={rejected} uncommitted={submitted.Count} cpu={cpuWindow.TotalSeconds / window:F2}cores cpu/tx={1e6 * cpuWindow.TotalSeconds / Math.Max(1, inWindow):F0}us load={load.Split(' ')[0]} rejections=[{string.Join("; ", rejections.Select(r => $"{r.Key}: {r.Value}"))}]"));

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

    // Signed transfers depend only on the sender seeds, the chain id and the counts, so a run may reuse a file of them
    // (--tx-cache DIR): signing 50,000 transfers costs minutes of CPU on a loaded machine.
    private static byte[][][] LoadOrSign(string[] args, string chainId, int senders, int perSender, byte[][] seeds, Address[] addresses)
    {
        var i = Array.IndexOf(args, "--tx-cache");
        var file = i >= 0 && i + 1 < args.Length ? Path.Combine(args[i + 1], $"phx-e2e-{chainId}-{senders}x{perSender}.bin") : null;
        if (file is not null && File.Exists(file))
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            var cached = new byte[senders][][];
            for (var s = 0; s < senders; s++)
            {
                cached[s] = new byte[perSender][];
                for (var k = 0; k < perSender; k++)
                {
                    cached[s][k] = reader.ReadBytes(reader.ReadInt32());
                }
            }

            return cached;
        }

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
        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using var writer = new BinaryWriter(File.Create(file + ".tmp"));
            foreach (var sender in txs)
            {
                foreach (var tx in sender)
                {
                    writer.Write(tx.Length);
                    writer.Write(tx);
                }
            }

            writer.Close();
            File.Move(file + ".tmp", file, overwrite: true);
        }

        return txs;
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
