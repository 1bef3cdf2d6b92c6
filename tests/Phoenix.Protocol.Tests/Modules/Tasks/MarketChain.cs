using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;
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

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>
/// In-state stand-in for staking (until the staking module is wired): genesis bonds move PHNX into the
/// <c>teststake_bonded</c> module account; locks and bonded amounts live under <c>teststake/</c>.
/// </summary>
internal sealed class TestStakingModule(IReadOnlyList<(Address Address, UInt128 Stake)> bonds) : PhoenixModule, ITaskStakingPort
{
    public const string Pool = "teststake_bonded";

    public override string Name => "teststake";

    public override IReadOnlyList<ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        BankModule.CreateModuleAccount(context, Pool);
        foreach (var (address, stake) in bonds)
        {
            var r = BankModule.SendToModule(context, address, Pool, new Amount(stake, Denom.Phnx));
            Assert.True(r.IsOk, r.ToString());
            Set(context.State, "b", address, stake);
        }

        return [];
    }

    public bool IsBondedValidator(ModuleContext context, Address address) => Get(context.State, "b", address) != UInt128.Zero;

    public UInt128 BondedStake(ModuleContext context, Address address) => Get(context.State, "b", address);

    public UInt128 TotalBondedStake(ModuleContext context)
    {
        UInt128 total = 0;
        foreach (var kv in context.State.Scan("teststake/b"u8))
        {
            total += BinaryPrimitives.ReadUInt128BigEndian(kv.Value);
        }

        return total;
    }

    public UInt128 AvailableStake(ModuleContext context, Address address) => Get(context.State, "b", address) - Get(context.State, "l", address);

    public TxResult Lock(ModuleContext context, Address address, UInt128 amount)
    {
        if (AvailableStake(context, address) < amount)
        {
            return TxResult.Fail(TaskErrors.InsufficientStake, "not enough");
        }

        Set(context.State, "l", address, Get(context.State, "l", address) + amount);
        return TxResult.Success();
    }

    public void Unlock(ModuleContext context, Address address, UInt128 amount)
        => Set(context.State, "l", address, checked(Get(context.State, "l", address) - amount));

    public void SlashLocked(ModuleContext context, Address address, UInt128 amount, Address recipient)
    {
        Set(context.State, "l", address, checked(Get(context.State, "l", address) - amount));
        Set(context.State, "b", address, checked(Get(context.State, "b", address) - amount));
        var r = BankModule.SendFromModule(context, Pool, recipient, new Amount(amount, Denom.Phnx));
        if (!r.IsOk)
        {
            throw new InvalidOperationException(r.ToString());
        }
    }

    public static UInt128 Locked(IStateReader state, Address address) => Get(state, "l", address);

    public static UInt128 Bonded(IStateReader state, Address address) => Get(state, "b", address);

    private static byte[] Key(string tag, Address address)
    {
        var key = new byte[10 + 1 + Address.Length];
        Encoding.ASCII.GetBytes("teststake/" + tag, key);
        address.TryWriteBytes(key.AsSpan(11));
        return key;
    }

    private static UInt128 Get(IStateReader state, string tag, Address address)
        => state.Get(Key(tag, address)) is { } v ? BinaryPrimitives.ReadUInt128BigEndian(v) : UInt128.Zero;

    private static void Set(StateCache state, string tag, Address address, UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        state.Set(Key(tag, address), bytes);
    }
}

/// <summary>A settable oracle stand-in (null = stale).</summary>
internal sealed class TestPrice : ITaskPricePort
{
    public ulong? MicroUsdPerPhnx { get; set; } = 1_000_000; // 1 USD per PHNX

    public bool TryGetPrice(ModuleContext context, out ulong microUsdPerPhnx)
    {
        microUsdPerPhnx = MicroUsdPerPhnx ?? 0;
        return MicroUsdPerPhnx is not null;
    }
}

/// <summary>The keys of every batch applied to a <see cref="RecordingKeyValueStore"/> since the last <see cref="Take"/>.</summary>
internal sealed class ChangedKeys
{
    private readonly List<byte[]> _keys = [];

    public void Add(IEnumerable<byte[]> keys) => _keys.AddRange(keys);

    /// <summary>The keys written or deleted since the last call (store keys: committed values are under <c>s/</c>).</summary>
    public List<byte[]> Take()
    {
        var keys = new List<byte[]>(_keys);
        _keys.Clear();
        return keys;
    }
}

/// <summary>A store that reports the keys of every applied batch to <paramref name="changed"/>.</summary>
internal sealed class RecordingKeyValueStore(IKeyValueStore inner, ChangedKeys changed) : IKeyValueStore
{
    public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end) => inner.Scan(start, end);

    public void Apply(KeyValueBatch batch, bool sync = true)
    {
        inner.Apply(batch, sync);
        changed.Add(batch.Operations.Select(op => op.Key));
    }

    public void Dispose() => inner.Dispose();
}

/// <summary>
/// A chain with auth, bank, the staking stand-in and the task market, driven block by block at chosen times. After every
/// block <see cref="Block"/> checks every module's invariants and per-denom supply = balances. With an incremental audit
/// the market's invariants are checked through <see cref="TaskMarketAudit"/> over the keys the block changed (O(changes)
/// per block), and in full every <see cref="FullAuditEvery"/> blocks, where both must agree.
/// </summary>
internal sealed class MarketChain
{
    public static readonly TestKey Buyer = TestKeys.Alice;
    public static readonly TestKey Miner = TestKeys.Bob;
    public static readonly TestKey Miner2 = TestKeys.Carol;
    public static readonly TestKey Challenger = TestKeys.Dave;
    public static readonly TestKey[] Validators = [TestKeys.Numbered(1), TestKeys.Numbered(2), TestKeys.Numbered(3), TestKeys.Numbered(4)];
    public static readonly UInt128 ValidatorStake = (UInt128)1_000_000 * Denom.UnitsPerToken;

    // One imported signing key per signer for the whole process: importing a seed (twice per TxEncoding.Sign) allocates
    // libsodium guarded memory (mmap + mprotect), which cost more than everything else in a simulated block.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Address, (NSec.Cryptography.Key Key, byte[] PublicKey)> Signers = new();

    private readonly Dictionary<Address, ulong> _sequences = [];

    private readonly ChangedKeys? _changed;
    private readonly TaskMarketAudit? _audit;

    public MarketChain(ChainParameters? parameters = null, IKeyValueStore? store = null, bool incrementalAudit = false)
    {
        if (incrementalAudit)
        {
            _changed = new ChangedKeys();
            store = new RecordingKeyValueStore(store ?? new InMemoryKeyValueStore(), _changed);
        }

        var builder = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime);
        if (parameters is not null)
        {
            builder.WithParameters(parameters);
        }

        foreach (var key in new[] { Buyer, Miner, Miner2, Challenger }.Concat(Validators))
        {
            builder.AddAccount(key.Address, Amount.FromTokens(10_000_000, Denom.Phnx), Amount.FromTokens(10_000_000, Denom.Spark));
        }

        builder.AddValidator(TestKeys.Of("validator", 0x10).PublicKey, Validators[0].Address, "DE", 10);
        Genesis = builder.Build();
        Staking = new TestStakingModule([.. Validators.Select(v => (v.Address, ValidatorStake))]);
        Market = new TaskMarketModule(Staking, Price);
        var app = new PhoenixApplicationBuilder().AddModule(Staking).AddModule(Market);
        if (store is not null)
        {
            app.UseStore(store);
        }

        App = app.Build();
        App.InitChain(new InitChainRequest(Genesis.GenesisTime, Genesis.ChainId, null, [], Genesis.ToJson(), 1));
        Time = Genesis.GenesisTime;
        if (_changed is not null)
        {
            _changed.Take();
            _audit = TaskMarketAudit.Load(State);
        }
    }

    /// <summary>With an incremental audit, how often (in blocks) the market's full <see cref="PhoenixModule.CheckInvariants"/> runs too.</summary>
    public int FullAuditEvery { get; init; } = 50;

    public Phoenix.Protocol.Genesis.Genesis Genesis { get; }

    public TestPrice Price { get; } = new();

    public TestStakingModule Staking { get; }

    public TaskMarketModule Market { get; }

    public PhoenixApplication App { get; }

    public Timestamp Time { get; private set; }

    public IStateReader State => App.CommittedState;

    public int TxCount { get; private set; }

    /// <summary>Every block's events, in order (kept only while <see cref="RecordEvents"/>).</summary>
    public List<AbciEvent> BlockEvents { get; } = [];

    /// <summary>Whether <see cref="Block"/> appends each block's events to <see cref="BlockEvents"/> (long simulations turn it off).</summary>
    public bool RecordEvents { get; init; } = true;

    public byte[] Tx(TestKey signer, params Message[] messages)
    {
        var body = new TxBody { ChainId = TestChain.ChainId };
        body.Messages.AddRange(messages);
        var seq = _sequences.GetValueOrDefault(signer.Address);
        _sequences[signer.Address] = seq + 1;
        return Sign(body, seq, new Amount(1000, Denom.Phnx), signer);
    }

    /// <summary>Exactly <see cref="TxEncoding.Sign"/> (Ed25519 is deterministic: the same bytes), with the signer's key imported once.</summary>
    private static byte[] Sign(TxBody body, ulong sequence, Amount fee, TestKey signer)
    {
        var (key, publicKey) = Signers.GetOrAdd(signer.Address, static (_, seed) =>
        {
            var k = Phoenix.Protocol.Crypto.Ed25519.ImportSeed(seed);
            return (k, k.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
        }, signer.Seed);
        var auth = new AuthInfo { SignerPublicKey = ByteString.CopyFrom(publicKey), Sequence = sequence, Fee = TxEncoding.ToCoin(fee) };
        var bodyBytes = body.ToByteArray();
        var authBytes = auth.ToByteArray();
        var signature = NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key, TxEncoding.SignBytes(bodyBytes, authBytes));
        return new TxRaw
        {
            BodyBytes = ByteString.CopyFrom(bodyBytes),
            AuthInfoBytes = ByteString.CopyFrom(authBytes),
            Signature = ByteString.CopyFrom(signature),
        }.ToByteArray();
    }

    /// <summary>Finalizes and commits a block at <c>Time + seconds</c>.</summary>
    public FinalizeBlockResponse Block(long seconds, params byte[][] txs)
    {
        Time = Time.AddSeconds(seconds);
        var height = App.LastHeight + 1;
        var response = App.FinalizeBlock(new FinalizeBlockRequest(
            [.. txs.Select(t => (ReadOnlyMemory<byte>)t)],
            CommitInfo.Empty,
            [],
            Encoding.ASCII.GetBytes($"block-{height}").Concat(new byte[32]).Take(32).ToArray(),
            height,
            Time,
            ReadOnlyMemory<byte>.Empty,
            ReadOnlyMemory<byte>.Empty));
        App.Commit();
        TxCount += txs.Length;
        if (RecordEvents)
        {
            BlockEvents.AddRange(response.Events);
        }

        var violations = Invariants(height).Concat(SupplyViolations()).ToList();
        Assert.True(violations.Count == 0, $"Invariants broken at height {height}: {string.Join(" | ", violations)}");
        return response;
    }

    /// <summary>Every module's invariants; the market's through the incremental audit when there is one.</summary>
    private IEnumerable<string> Invariants(long height)
    {
        if (_audit is null)
        {
            return App.CheckInvariants();
        }

        const int ValuePrefix = 2; // committed values are stored under "s/"
        _audit.Update(State, [.. _changed!.Take().Where(k => k.AsSpan().StartsWith("s/"u8)).Select(k => k[ValuePrefix..])]);
        var market = _audit.Violations(State).ToList();
        if (height % FullAuditEvery == 0)
        {
            var full = Market.CheckInvariants(State).ToList();
            Assert.True(full.SequenceEqual(market), $"At height {height} the incremental market audit says [{string.Join(" | ", market)}] but the full one [{string.Join(" | ", full)}]");
        }

        return App.Modules.Where(m => m != Market).SelectMany(m => m.CheckInvariants(State)).Concat(market);
    }

    /// <summary>Runs the market's full invariant check now (end of a run).</summary>
    public IReadOnlyList<string> FullMarketAudit() => [.. Market.CheckInvariants(State)];

    /// <summary>Runs one transaction in its own block (5 s later) and returns its result.</summary>
    public ExecTxResult Run(TestKey signer, params Message[] messages)
    {
        // Reverts the sequence on failure is not needed: the ante handler advances it even when messages fail.
        return Block(5, Tx(signer, messages)).TxResults[0];
    }

    public ExecTxResult RunOk(TestKey signer, params Message[] messages)
    {
        var r = Run(signer, messages);
        Assert.True(r.Code == 0, $"Expected success, got {r.Codespace}/{r.Code}: {r.Log}");
        return r;
    }

    public Amount Balance(TestKey key, Denom denom) => BankModule.GetBalance(State, key.Address, denom);

    public UInt128 Balance(Address address, Denom denom) => BankModule.GetBalance(State, address, denom).Value;

    public IEnumerable<string> SupplyViolations()
    {
        var sums = BankModule.SumOfBalances(State);
        foreach (var denom in Denom.All)
        {
            var supply = BankModule.GetSupply(State, denom);
            var sum = sums.GetValueOrDefault(denom);
            if (supply != sum)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"supply of {denom} is {supply} but balances sum to {sum}");
            }
        }
    }

    public static void AssertFails(ExecTxResult result, ResultCode expected)
        => Assert.True(result.Code == expected.Code && result.Codespace == expected.Codespace, $"Expected {expected}, got {result.Codespace}/{result.Code}: {result.Log}");

    public static string? Attr(IEnumerable<AbciEvent> events, string type, string key)
        => events.Where(e => e.Type == type).SelectMany(e => e.Attributes).FirstOrDefault(a => a.Key == key)?.Value;
}

/// <summary>Builds task-market messages with sensible defaults.</summary>
internal static class Msg
{
    public static readonly Hash32 Model = Hash32.Sha256("model"u8);
    public static readonly Hash32 Inputs = Hash32.Sha256("inputs"u8);

    public static Message Post(uint units = 10, ulong price = 1_000_000, uint attestations = 2, long deadlineIn = 86_400, long claimDuration = 3_600,
        VerificationPolicy policy = VerificationPolicy.Exact, long now = 0, string? kind = "onnx/v1", ulong rtol = 0)
        => new PostTaskMessage(kind ?? string.Empty, Model.ToArray(), Inputs.ToArray(), policy, rtol, 0, units, price.ToString(CultureInfo.InvariantCulture),
            attestations, now + deadlineIn, claimDuration).ToWire();

    public static Message Cancel(ulong task) => new CancelTaskMessage(task).ToWire();

    public static Message Claim(ulong task, uint first, uint count) => new ClaimUnitsMessage(task, first, count).ToWire();

    public static Message Submit(ulong batch, Hash32 root) => new SubmitBatchMessage(batch, root.ToArray()).ToWire();

    public static Message Attest(ulong batch, Hash32 root, UInt128 stake) => new AttestBatchMessage(batch, root.ToArray(), stake.ToString(CultureInfo.InvariantCulture)).ToWire();

    public static Message Redeem(UInt128 amount) => new RedeemMessage(amount.ToString(CultureInfo.InvariantCulture)).ToWire();

    public static Message Vote(ulong dispute, bool uphold) => new VoteDisputeMessage(dispute, uphold).ToWire();

    public static Message Report(ulong dispute, Hash32 output) => new ReportNodeMessage(dispute, output.ToArray()).ToWire();

    public static Message Ask(UInt128 amount, UInt128 minPrice) => new PlaceAskMessage(amount.ToString(CultureInfo.InvariantCulture), minPrice.ToString(CultureInfo.InvariantCulture)).ToWire();
}

/// <summary>A miner's results for a batch: per-unit output ids and traces, their leaves, root and proofs.</summary>
internal sealed class BatchResults
{
    public BatchResults(uint firstUnit, uint count, int traceLength = 8, string salt = "honest")
    {
        FirstUnit = firstUnit;
        for (var u = firstUnit; u < firstUnit + count; u++)
        {
            var trace = Enumerable.Range(0, traceLength).Select(i => Hash32.Sha256(Encoding.ASCII.GetBytes($"node-{u}-{i}"))).ToList();
            Traces.Add(trace);
            Outputs.Add(Hash32.Sha256(Encoding.ASCII.GetBytes($"output-{u}-{salt}")));
        }

        Rebuild();
    }

    public uint FirstUnit { get; }

    /// <summary>Per unit, the digest of each graph node's outputs (the trace leaves' data).</summary>
    public List<List<Hash32>> Traces { get; } = [];

    public List<Hash32> Outputs { get; } = [];

    public List<Hash32> Leaves { get; private set; } = [];

    public Hash32 Root { get; private set; }

    /// <summary>Makes unit <paramref name="unit"/>'s trace wrong from trace index <paramref name="from"/> on (a cheating miner).</summary>
    public BatchResults Corrupt(uint unit, int from)
    {
        var trace = Traces[(int)(unit - FirstUnit)];
        for (var i = from; i < trace.Count; i++)
        {
            trace[i] = Hash32.Sha256(Encoding.ASCII.GetBytes($"bad-{unit}-{i}"));
        }

        Outputs[(int)(unit - FirstUnit)] = Hash32.Sha256(Encoding.ASCII.GetBytes($"bad-output-{unit}"));
        Rebuild();
        return this;
    }

    /// <summary>The digest of node <paramref name="index"/>'s outputs in a unit's trace: what bisection moves and committee reports carry.</summary>
    public Hash32 NodeDigest(uint unit, ulong index) => Traces[(int)(unit - FirstUnit)][(int)index];

    public Hash32 TraceRoot(uint unit) => BatchMerkle.Root([.. Traces[(int)(unit - FirstUnit)].Select(h => BatchMerkle.LeafHash(h.ToArray()))]);

    public IReadOnlyList<Hash32> TraceProof(uint unit, ulong index)
        => BatchMerkle.Proof([.. Traces[(int)(unit - FirstUnit)].Select(h => BatchMerkle.LeafHash(h.ToArray()))], (int)index);

    public Message Challenge(ulong batch, uint unit, Hash32 challengerTraceRoot, ulong traceLength)
    {
        var i = (int)(unit - FirstUnit);
        return new ChallengeUnitMessage(batch, unit, Outputs[i].ToArray(), TraceRoot(unit).ToArray(),
            [.. BatchMerkle.Proof(Leaves, i).Select(h => (ReadOnlyMemory<byte>)h.ToArray())], challengerTraceRoot.ToArray(), traceLength).ToWire();
    }

    public Message Bisect(ulong dispute, uint unit, ulong index)
        => new BisectMessage(dispute, index, NodeDigest(unit, index).ToArray(),
            [.. TraceProof(unit, index).Select(h => (ReadOnlyMemory<byte>)h.ToArray())]).ToWire();

    private void Rebuild()
    {
        Leaves = [.. Outputs.Select((o, i) => BatchMerkle.UnitLeaf(o, TraceRoot(FirstUnit + (uint)i)))];
        Root = BatchMerkle.Root(Leaves);
    }
}
