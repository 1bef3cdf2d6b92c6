using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Benchmarks;

/// <summary>
/// FinalizeBlock on a block of 1,000 mixed task-market messages (one per signed transaction: 200 PostTask,
/// 200 ClaimUnits, 200 SubmitBatch, 200 AttestBatch, 100 Redeem, 100 PlaceAsk) against a block of 1,000 signed
/// transfers on the same application and pre-state (the baseline). Each operation is one message, so
/// 1 / Mean is messages per second. Signature checks run sequentially on one core in both.
/// </summary>
/// <remarks>
/// Staking and the oracle are in-state stand-ins behind the market's ports (<see cref="ITaskStakingPort"/>,
/// <see cref="ITaskPricePort"/>): the measured code is the market's handlers, state and end-block, not the
/// staking module's.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class MarketBlockBenchmarks
{
    private const int Messages = 1_000;
    private const int Buyers = 200;
    private const int Miners = 600;
    private const int Askers = 100;
    private const ulong Price = 1_000_000; // 1 SPARK per unit
    private const uint BatchUnits = 10;

    private static readonly TestKey[] BuyerKeys = [.. Enumerable.Range(0, Buyers).Select(i => TestKeys.Numbered(100_000 + i))];
    private static readonly TestKey[] MinerKeys = [.. Enumerable.Range(0, Miners).Select(i => TestKeys.Numbered(200_000 + i))];
    private static readonly TestKey[] AskerKeys = [.. Enumerable.Range(0, Askers).Select(i => TestKeys.Numbered(300_000 + i))];
    private static readonly TestKey[] ValidatorKeys = [TestKeys.Numbered(400_000), TestKeys.Numbered(400_001)];
    private static readonly TestKey[] PayerKeys = [.. Enumerable.Range(0, Messages).Select(i => TestKeys.Numbered(500_000 + i))];

    private PhoenixApplication _market = null!;
    private PhoenixApplication _transfers = null!;
    private PhoenixApplication _marketApplyOnly = null!;
    private PhoenixApplication _transfersApplyOnly = null!;
    private List<ReadOnlyMemory<byte>> _marketBlock = null!;
    private List<ReadOnlyMemory<byte>> _transferBlock = null!;
    private Timestamp _time;

    [GlobalSetup]
    public void Setup()
    {
        (_market, _time, var sequences) = Prepare(verifySignatures: true);
        (_transfers, _, _) = Prepare(verifySignatures: true);
        (_marketApplyOnly, _, _) = Prepare(verifySignatures: false);
        (_transfersApplyOnly, _, _) = Prepare(verifySignatures: false);
        _marketBlock = MarketBlock(sequences);
        _transferBlock = [.. PayerKeys.Select((k, i) => (ReadOnlyMemory<byte>)Build.A.Transfer.From(k).To(PayerKeys[(i + 1) % Messages]).Amount(1_000, Denom.Spark).Fee(1_000, Denom.Phnx).Signed())];
        foreach (var (app, block) in new[] { (_market, _marketBlock), (_transfers, _transferBlock), (_marketApplyOnly, _marketBlock), (_transfersApplyOnly, _transferBlock) })
        {
            var r = app.FinalizeBlock(Request(block));
            var failed = r.TxResults.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Code != 0);
            if (failed.t is not null)
            {
                throw new InvalidOperationException($"tx {failed.i} failed: {failed.t.Codespace}/{failed.t.Code} {failed.t.Log}");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "FinalizeBlock, 1k transfers")]
    public ReadOnlyMemory<byte> Transfers() => _transfers.FinalizeBlock(Request(_transferBlock)).AppHash;

    [Benchmark(OperationsPerInvoke = Messages, Description = "FinalizeBlock, 1k mixed market messages")]
    public ReadOnlyMemory<byte> MarketMessages() => _market.FinalizeBlock(Request(_marketBlock)).AppHash;

    [Benchmark(OperationsPerInvoke = Messages, Description = "FinalizeBlock, 1k transfers (signatures pre-verified)")]
    public ReadOnlyMemory<byte> TransfersApplyOnly() => _transfersApplyOnly.FinalizeBlock(Request(_transferBlock)).AppHash;

    [Benchmark(OperationsPerInvoke = Messages, Description = "FinalizeBlock, 1k market messages (signatures pre-verified)")]
    public ReadOnlyMemory<byte> MarketMessagesApplyOnly() => _marketApplyOnly.FinalizeBlock(Request(_marketBlock)).AppHash;

    private FinalizeBlockRequest Request(List<ReadOnlyMemory<byte>> txs)
        => new(txs, CommitInfo.Empty, [], new byte[32], _market.LastHeight + 1, _time.AddSeconds(5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Genesis, then committed blocks that leave: 200 open tasks; batches 1–200 claimed (submitted in the measured
    /// block); batches 201–300 submitted (attested in it); batches 301–400 finalized (their miners redeem in it).
    /// </summary>
    private static (PhoenixApplication App, Timestamp Time, Dictionary<TestKey, ulong> Sequences) Prepare(bool verifySignatures)
    {
        var builder = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime);
        foreach (var key in BuyerKeys.Concat(MinerKeys).Concat(AskerKeys).Concat(ValidatorKeys).Concat(PayerKeys))
        {
            builder.AddAccount(key.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark));
        }

        var genesis = builder.Build();
        var staking = new StandInStaking([.. ValidatorKeys.Select(v => v.Address)], (UInt128)500_000 * Denom.UnitsPerToken);
        var builder2 = new PhoenixApplicationBuilder().AddModule(staking).AddModule(new TaskMarketModule(staking, staking));
        var app = (verifySignatures ? builder2 : builder2.UseSignatureVerifier(new AlreadyVerified())).Build();
        app.InitChain(new InitChainRequest(genesis.GenesisTime, genesis.ChainId, null, [], genesis.ToJson(), 1));
        var sequences = new Dictionary<TestKey, ulong>();
        var time = genesis.GenesisTime;

        void Commit(long seconds, IEnumerable<byte[]> txs)
        {
            time = time.AddSeconds(seconds);
            var r = app.FinalizeBlock(new FinalizeBlockRequest([.. txs.Select(t => (ReadOnlyMemory<byte>)t)], CommitInfo.Empty, [],
                Encoding.ASCII.GetBytes($"block-{app.LastHeight + 1}").Concat(new byte[32]).Take(32).ToArray(), app.LastHeight + 1, time,
                ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
            if (r.TxResults.FirstOrDefault(t => t.Code != 0) is { } failed)
            {
                throw new InvalidOperationException($"setup tx failed: {failed.Codespace}/{failed.Code} {failed.Log}");
            }

            app.Commit();
        }

        Commit(5, BuyerKeys.Select((b, i) => Tx(sequences, b, Post(time.Seconds + 5))));
        Commit(5, Enumerable.Range(0, 400).Select(i => Tx(sequences, MinerKeys[i], new ClaimUnitsMessage((ulong)(i % Buyers) + 1, (uint)(i / Buyers) * BatchUnits, BatchUnits).ToWire())));
        Commit(5, Enumerable.Range(200, 200).Select(i => Tx(sequences, MinerKeys[i], new SubmitBatchMessage((ulong)i + 1, Root(i + 1)).ToWire())));
        Commit(5, Enumerable.Range(300, 100).SelectMany(i => ValidatorKeys.Select(v => Tx(sequences, v, Attest(i + 1)))));
        Commit(ChainParameters.Default.ChallengeWindowSeconds + 1, []);
        return (app, time, sequences);
    }

    private static List<ReadOnlyMemory<byte>> MarketBlock(Dictionary<TestKey, ulong> committed)
    {
        var sequences = new Dictionary<TestKey, ulong>(committed);
        var txs = new List<byte[]>(Messages);
        txs.AddRange(BuyerKeys.Select(b => Tx(sequences, b, Post(TestChain.GenesisTime.Seconds + 86_400))));
        txs.AddRange(Enumerable.Range(0, 200).Select(i => Tx(sequences, MinerKeys[400 + i], new ClaimUnitsMessage((ulong)i + 1, 2 * BatchUnits, BatchUnits).ToWire())));
        txs.AddRange(Enumerable.Range(0, 200).Select(i => Tx(sequences, MinerKeys[i], new SubmitBatchMessage((ulong)i + 1, Root(i + 1)).ToWire())));
        txs.AddRange(Enumerable.Range(200, 100).SelectMany(i => ValidatorKeys.Select(v => Tx(sequences, v, Attest(i + 1)))));
        txs.AddRange(Enumerable.Range(300, 100).Select(i => Tx(sequences, MinerKeys[i], new RedeemMessage(((UInt128)BatchUnits * Price).ToString(CultureInfo.InvariantCulture)).ToWire())));
        txs.AddRange(AskerKeys.Select((a, i) => Tx(sequences, a, new PlaceAskMessage("1000000", (10_000 + (i * 100)).ToString(CultureInfo.InvariantCulture)).ToWire())));
        return [.. txs.Select(t => (ReadOnlyMemory<byte>)t)];
    }

    private static Message Post(long now) => new PostTaskMessage("onnx/v1", Hash32.Sha256("model"u8).ToArray(), Hash32.Sha256("inputs"u8).ToArray(), VerificationPolicy.Exact,
        0, 0, 100, Price.ToString(CultureInfo.InvariantCulture), 2, now + (7 * 86_400), 86_400).ToWire();

    private static byte[] Root(int batch) => Hash32.Sha256(BitConverter.GetBytes(batch)).ToArray();

    private static Message Attest(int batch) => new AttestBatchMessage((ulong)batch, Root(batch), "10000000").ToWire();

    private static byte[] Tx(Dictionary<TestKey, ulong> sequences, TestKey signer, Message message)
    {
        var body = new TxBody { ChainId = TestChain.ChainId };
        body.Messages.Add(message);
        var seq = sequences.GetValueOrDefault(signer);
        sequences[signer] = seq + 1;
        return TxEncoding.Sign(body, seq, new Amount(1_000, Denom.Phnx), signer.Seed);
    }

    /// <summary>Trusts every signature: isolates the cost of applying the block (for comparison only; never use in a node).</summary>
    private sealed class AlreadyVerified : ISignatureBatchVerifier
    {
        public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results) => results.Fill(true);
    }

    /// <summary>Staking and oracle stand-in: fixed bonded validators, locks in state, a constant 1 USD PHNX price.</summary>
    private sealed class StandInStaking(IReadOnlyList<Address> validators, UInt128 stake) : PhoenixModule, ITaskStakingPort, ITaskPricePort
    {
        public override string Name => "benchstake";

        public bool IsBondedValidator(ModuleContext context, Address address) => validators.Contains(address);

        public UInt128 BondedStake(ModuleContext context, Address address) => validators.Contains(address) ? stake : UInt128.Zero;

        public UInt128 TotalBondedStake(ModuleContext context) => stake * (uint)validators.Count;

        public UInt128 AvailableStake(ModuleContext context, Address address) => BondedStake(context, address) - Locked(context.State, address);

        public TxResult Lock(ModuleContext context, Address address, UInt128 amount)
        {
            if (AvailableStake(context, address) < amount)
            {
                return TxResult.Fail(TaskErrors.InsufficientStake, "not enough");
            }

            SetLocked(context.State, address, Locked(context.State, address) + amount);
            return TxResult.Success();
        }

        public void Unlock(ModuleContext context, Address address, UInt128 amount) => SetLocked(context.State, address, Locked(context.State, address) - amount);

        public void SlashLocked(ModuleContext context, Address address, UInt128 amount, Address recipient) => throw new NotSupportedException("No disputes in this benchmark.");

        public bool TryGetPrice(ModuleContext context, out ulong microUsdPerPhnx)
        {
            microUsdPerPhnx = 1_000_000;
            return true;
        }

        private static byte[] Key(Address address)
        {
            var key = new byte[11 + Address.Length];
            Encoding.ASCII.GetBytes("benchstake/", key);
            address.TryWriteBytes(key.AsSpan(11));
            return key;
        }

        private static UInt128 Locked(StateCache state, Address address) => state.Get(Key(address)) is { } v ? BinaryPrimitives.ReadUInt128BigEndian(v) : UInt128.Zero;

        private static void SetLocked(StateCache state, Address address, UInt128 value)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
            state.Set(Key(address), bytes);
        }
    }
}
