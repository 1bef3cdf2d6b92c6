using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Support;

/// <summary>A chain with the standard modules, driven block by block with explicit commits and evidence.</summary>
internal sealed class ModuleChain
{
    public const string Chain = "phoenix-test-1";
    private readonly Dictionary<Address, ulong> _sequences = [];

    public ModuleChain(Genesis.Genesis genesis)
    {
        App = new PhoenixApplicationBuilder().AddStandardModules().Build();
        Genesis = genesis;
        GenesisResponse = App.InitChain(new InitChainRequest(genesis.GenesisTime, genesis.ChainId, null, [], genesis.ToJson(), 1));
        Time = genesis.GenesisTime;
        Assert.Empty(App.CheckInvariants());
    }

    public PhoenixApplication App { get; }

    public Genesis.Genesis Genesis { get; }

    public InitChainResponse GenesisResponse { get; }

    public Timestamp Time { get; private set; }

    public Abci.CommitInfo NextCommit { get; set; } = Abci.CommitInfo.Empty;

    public static IReadOnlyList<TestKey> Operators { get; } = [.. Enumerable.Range(1, 12).Select(TestKeys.Numbered)];

    public static TestKey ConsensusKeyOf(int i) => TestKeys.Numbered(1000 + i);

    /// <summary>12 validators (operators numbered 1..12, 100 PHNX each, 3 per jurisdiction DE/FR/US/JP), Alice/Bob/Carol with 1,000,000 PHNX and SPARK.</summary>
    public static GenesisBuilder StandardGenesis(ChainParameters? parameters = null)
    {
        var b = new GenesisBuilder(Chain, TestChain.GenesisTime).WithParameters(parameters ?? ChainParameters.Default)
            .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark))
            .AddAccount(TestKeys.Bob.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark))
            .AddAccount(TestKeys.Carol.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark));
        string[] jurisdictions = ["DE", "FR", "US", "JP"];
        for (var i = 0; i < Operators.Count; i++)
        {
            b.AddAccount(Operators[i].Address, Amount.FromTokens(1_000, Denom.Phnx));
            b.AddValidator(ConsensusKeyOf(i).PublicKey, Operators[i].Address, jurisdictions[i % 4], 100);
        }

        return b;
    }

    public byte[] Tx(TestKey key, params Message[] messages)
    {
        var body = new TxBody { ChainId = Chain };
        body.Messages.AddRange(messages);
        _sequences.TryGetValue(key.Address, out var seq);
        _sequences[key.Address] = seq + 1;
        return TxEncoding.Sign(body, seq, new Amount(1000, Denom.Phnx), key.Seed);
    }

    public FinalizeBlockResponse Block(IReadOnlyList<byte[]>? txs = null, IReadOnlyList<Misbehavior>? evidence = null, long seconds = 5)
    {
        Time = Time.AddSeconds(seconds);
        var height = App.LastHeight + 1;
        var response = App.FinalizeBlock(new FinalizeBlockRequest(
            [.. (txs ?? []).Select(t => (ReadOnlyMemory<byte>)t)], NextCommit, evidence ?? [], new byte[32], height, Time,
            ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        App.Commit();
        Assert.Empty(App.CheckInvariants());
        return response;
    }

    public ExecTxResult Exec(TestKey key, params Message[] messages) => Block([Tx(key, messages)]).TxResults[0];

    public ExecTxResult ExecOk(TestKey key, params Message[] messages)
    {
        var r = Exec(key, messages);
        Assert.True(r.IsOk, r.Log);
        return r;
    }

    public Amount Balance(Address a, Denom d) => BankModule.GetBalance(App.CommittedState, a, d);

    public static void AssertCode(Results.ResultCode expected, ExecTxResult result)
    {
        Assert.False(result.IsOk, "expected a failure");
        Assert.Equal(expected.Codespace, result.Codespace);
        Assert.Equal(expected.Code, result.Code);
    }
}
