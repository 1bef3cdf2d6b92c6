using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Application;

public class PhoenixApplicationLifecycleTests
{
    private static InitChainRequest Init(Genesis.Genesis g) => new(g.GenesisTime, g.ChainId, null, [], g.ToJson(), 1);

    [Fact]
    public void InitChain_RepeatedWithSameGenesis_SameHashAndNoDoubleMint()
    {
        var store = new InMemoryKeyValueStore();
        var genesis = TestChain.DefaultGenesis();
        var first = new PhoenixApplicationBuilder().UseStore(store).Build().InitChain(Init(genesis));
        var restarted = new PhoenixApplicationBuilder().UseStore(store).Build();
        var second = restarted.InitChain(Init(genesis));
        Assert.Equal(first.AppHash.ToArray(), second.AppHash.ToArray());
        Assert.Equal(first.Validators.Count, second.Validators.Count);
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), BankModule.GetBalance(restarted.CommittedState, TestKeys.Alice.Address, Denom.Phnx));
    }

    [Fact]
    public void InitChain_RepeatedWithDifferentGenesis_Throws()
    {
        var store = new InMemoryKeyValueStore();
        new PhoenixApplicationBuilder().UseStore(store).Build().InitChain(Init(TestChain.DefaultGenesis()));
        var other = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime).AddAccount(TestKeys.Bob.Address, new Amount(1, Denom.Phnx)).Build();
        Assert.Throws<InvalidOperationException>(() => new PhoenixApplicationBuilder().UseStore(store).Build().InitChain(Init(other)));
    }

    [Fact]
    public void InitChain_MalformedGenesis_ThrowsGenesisFormatException()
    {
        var app = new PhoenixApplicationBuilder().Build();
        var bad = new InitChainRequest(TestChain.GenesisTime, TestChain.ChainId, null, [], "{\"chain_id\": 5}"u8.ToArray(), 1);
        Assert.Throws<GenesisFormatException>(() => app.InitChain(bad));
        var unknownField = new InitChainRequest(TestChain.GenesisTime, TestChain.ChainId, null, [], "{\"chain_id\":\"x\",\"genesis_time\":\"2026-01-01T00:00:00Z\",\"surprise\":1}"u8.ToArray(), 1);
        Assert.Throws<GenesisFormatException>(() => app.InitChain(unknownField));
        Assert.Equal(0, app.Info(new InfoRequest()).LastBlockHeight);
    }

    [Fact]
    public void Restart_OnSameStore_ResumesHeightHashAndChainSettings()
    {
        var store = new InMemoryKeyValueStore();
        var chain = new TestChain(configure: b => b.UseStore(store));
        chain.Block(Build.A.Transfer.Amount(3, Denom.Phnx).Signed());
        var restarted = new PhoenixApplicationBuilder().UseStore(store).Build();
        var info = restarted.Info(new InfoRequest());
        Assert.Equal(1, info.LastBlockHeight);
        Assert.Equal(chain.App.LastAppHash.ToArray(), info.LastBlockAppHash.ToArray());
        Assert.Equal(TestChain.ChainId, restarted.ChainId);
        var next = restarted.FinalizeBlock(new FinalizeBlockRequest([Build.A.Transfer.Sequence(1).Amount(3, Denom.Phnx).Signed()], CommitInfo.Empty, [], new byte[32], 2, TestChain.GenesisTime.AddSeconds(10), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        Assert.True(next.TxResults[0].IsOk, next.TxResults[0].Log);
        restarted.Commit();
        Assert.Empty(restarted.CheckInvariants());
    }

    [Fact]
    public void FinalizeBlock_WrongHeight_ThrowsAndCommitWithoutBlockThrows()
    {
        var chain = new TestChain();
        Assert.Throws<InvalidOperationException>(() => chain.App.FinalizeBlock(new FinalizeBlockRequest([], CommitInfo.Empty, [], new byte[32], 5, TestChain.GenesisTime, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)));
        Assert.Throws<InvalidOperationException>(() => chain.App.Commit());
    }

    [Fact]
    public void FinalizeBlock_RunTwiceForSameHeight_SameResultAndNoDoubleApply()
    {
        var chain = new TestChain();
        var request = new FinalizeBlockRequest([Build.A.Transfer.Amount(9, Denom.Phnx).Signed()], CommitInfo.Empty, [], new byte[32], 1, TestChain.GenesisTime.AddSeconds(5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);
        var a = chain.App.FinalizeBlock(request);
        var b = chain.App.FinalizeBlock(request);
        Assert.Equal(a.AppHash.ToArray(), b.AppHash.ToArray());
        chain.App.Commit();
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx).Value - 9 - 1000, BankModule.GetBalance(chain.App.CommittedState, TestKeys.Alice.Address, Denom.Phnx).Value);
    }
}
