using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Application;

public class PhoenixApplicationTests
{
    private static Amount Balance(TestChain chain, TestKey key, Denom denom) => BankModule.GetBalance(chain.App.CommittedState, key.Address, denom);

    [Fact]
    public void FinalizeBlock_Transfer_MovesFundsChargesFeeAndAdvancesSequence()
    {
        var chain = new TestChain();
        var aliceBefore = Balance(chain, TestKeys.Alice, Denom.Spark);
        var response = chain.Block(Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(250, Denom.Spark).Fee(1000, Denom.Phnx).Signed());
        Assert.True(Assert.Single(response.TxResults).IsOk, response.TxResults[0].Log);
        Assert.Equal(aliceBefore.Value - 250, Balance(chain, TestKeys.Alice, Denom.Spark).Value);
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Spark).Value + 250, Balance(chain, TestKeys.Bob, Denom.Spark).Value);
        Assert.Equal((UInt128)1000, BankModule.GetBalance(chain.App.CommittedState, BankModule.FeePool, Denom.Phnx).Value);
        Assert.Equal(1UL, Phoenix.Protocol.Modules.Auth.AuthModule.GetAccount(chain.App.CommittedState, TestKeys.Alice.Address).Sequence);
        Assert.Empty(chain.App.CheckInvariants());
    }

    [Fact]
    public void FinalizeBlock_FailingMessage_ChargesFeeAndRollsBackMessages()
    {
        var chain = new TestChain();
        var tx = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(10, Denom.Phnx).Amount(2_000_000_000_000, Denom.Spark).Fee(500, Denom.Spark).Signed();
        var result = Assert.Single(chain.Block(tx).TxResults);
        Assert.Equal(BankErrors.InsufficientFunds.Code, result.Code);
        Assert.Equal(BankErrors.Codespace, result.Codespace);
        // First message (10 uphnx) rolled back; fee kept.
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), Balance(chain, TestKeys.Alice, Denom.Phnx));
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Spark).Value - 500, Balance(chain, TestKeys.Alice, Denom.Spark).Value);
        Assert.Equal(1UL, Phoenix.Protocol.Modules.Auth.AuthModule.GetAccount(chain.App.CommittedState, TestKeys.Alice.Address).Sequence);
        Assert.Empty(chain.App.CheckInvariants());
    }

    [Fact]
    public void FinalizeBlock_ReplayedSequence_ReturnsSequenceMismatchAndLeavesStateUntouched()
    {
        var chain = new TestChain();
        var tx = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(5, Denom.Phnx).Signed();
        chain.Block(tx);
        var rootBefore = chain.App.LastAppHash;
        var aliceBefore = Balance(chain, TestKeys.Alice, Denom.Phnx);
        var result = Assert.Single(chain.Block(tx).TxResults);
        Assert.Equal(TxErrors.SequenceMismatch.Code, result.Code);
        Assert.Equal(aliceBefore, Balance(chain, TestKeys.Alice, Denom.Phnx));
    }

    [Fact]
    public void FinalizeBlock_BTaskTransfer_ReturnsNotTransferable()
    {
        var chain = new TestChain();
        var tx = Build.A.Transfer.From(TestKeys.Dave).To(TestKeys.Bob).Amount(1, Denom.BTask).Fee(1, Denom.Phnx).Signed();
        Assert.Equal(BankErrors.NotTransferable.Code, Assert.Single(chain.Block(tx).TxResults).Code);
    }

    [Fact]
    public void FinalizeBlock_WrongChainOrBadSignature_RejectedWithoutFee()
    {
        var chain = new TestChain();
        var wrongChain = Build.A.Transfer.ChainId("other-chain").Signed();
        var tampered = Build.A.Transfer.Amount(7, Denom.Phnx).Signed();
        tampered[^1] ^= 1;
        var results = chain.Block(wrongChain, tampered).TxResults;
        Assert.Equal(TxErrors.WrongChainId.Code, results[0].Code);
        Assert.Equal(TxErrors.InvalidSignature.Code, results[1].Code);
        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), Balance(chain, TestKeys.Alice, Denom.Phnx));
    }

    [Fact]
    public void CheckTx_NeverMutatesCommittedState_AndTracksSequence()
    {
        var chain = new TestChain();
        var root = chain.App.LastAppHash;
        var first = chain.App.CheckTx(new CheckTxRequest(Build.A.Transfer.Sequence(0).Signed()));
        var second = chain.App.CheckTx(new CheckTxRequest(Build.A.Transfer.Sequence(1).Signed()));
        var replay = chain.App.CheckTx(new CheckTxRequest(Build.A.Transfer.Sequence(0).Signed()));
        Assert.True(first.IsOk, first.Log);
        Assert.True(second.IsOk, second.Log);
        Assert.Equal(TxErrors.SequenceMismatch.Code, replay.Code);
        Assert.Equal(TestKeys.Alice.Address.ToArray(), first.Sender.ToArray());
        Assert.Equal(root, chain.App.LastAppHash);
        Assert.Equal(0UL, Phoenix.Protocol.Modules.Auth.AuthModule.GetAccount(chain.App.CommittedState, TestKeys.Alice.Address).Sequence);
    }

    [Fact]
    public void CheckTx_FeeBelowLocalMinimum_ReturnsFeeTooLow()
    {
        var chain = new TestChain(configure: b => b.WithMinimumFee(new Amount(5000, Denom.Phnx)));
        Assert.Equal(TxErrors.FeeTooLow.Code, chain.App.CheckTx(new CheckTxRequest(Build.A.Transfer.Fee(10, Denom.Phnx).Signed())).Code);
    }

    [Fact]
    public void Query_BalanceWithProof_VerifiesAgainstAppHash()
    {
        var chain = new TestChain();
        chain.Block(Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(42, Denom.Spark).Signed());
        var response = chain.App.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, $"/bank/balance/{TestKeys.Bob.Address}/uspark", 0, Prove: true));
        Assert.Equal(0u, response.Code);
        Assert.Equal((Amount.FromTokens(1_000_000, Denom.Spark).Value + 42).ToString(), System.Text.Encoding.UTF8.GetString(response.Value.Span));
        var op = Assert.Single(response.ProofOps);
        Assert.True(StateProof.TryParse(op.Data.Span, out var proof));
        var raw = chain.App.CommittedState.Get(BankModule.BalanceKey(TestKeys.Bob.Address, Denom.Spark))!;
        Assert.True(proof!.VerifyInclusion(chain.App.LastAppHash, op.Key.Span, raw));

        var absent = chain.App.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, $"/bank/balance/{TestKeys.Numbered(9).Address}/uspark", 0, Prove: true));
        Assert.True(StateProof.TryParse(absent.ProofOps[0].Data.Span, out var exclusion));
        Assert.True(exclusion!.VerifyExclusion(chain.App.LastAppHash, absent.ProofOps[0].Key.Span));
    }

    [Fact]
    public void Query_UnknownPathOrFutureHeight_ReturnsTypedCode()
    {
        var chain = new TestChain();
        Assert.Equal(Phoenix.Protocol.Application.QueryErrors.UnknownPath.Code, chain.App.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, "/nope")).Code);
        Assert.Equal(Phoenix.Protocol.Application.QueryErrors.HeightNotAvailable.Code, chain.App.Query(new QueryRequest(ReadOnlyMemory<byte>.Empty, "/params", 99)).Code);
    }

    [Fact]
    public void Determinism_SameBlocksOnTwoInstances_SameAppHashAtEveryHeight()
    {
        var a = new TestChain();
        var b = new TestChain();
        Assert.Equal(a.GenesisResponse.AppHash.ToArray(), b.GenesisResponse.AppHash.ToArray());
        var keys = new[] { TestKeys.Alice, TestKeys.Bob, TestKeys.Carol };
        var sequences = new ulong[3];
        for (var height = 1; height <= 8; height++)
        {
            var txs = new List<byte[]>();
            for (var i = 0; i < 3; i++)
            {
                var to = keys[(i + height) % 3];
                txs.Add(Build.A.Transfer.From(keys[i]).To(to).Amount((ulong)(height * 10 + i), height % 2 == 0 ? Denom.Phnx : Denom.Spark).Sequence(sequences[i]++).Signed());
            }

            var ra = a.Block([.. txs]);
            var rb = b.Block([.. txs]);
            Assert.Equal(ra.AppHash.ToArray(), rb.AppHash.ToArray());
            Assert.Equal(ra.TxResults.Select(r => r.Code), rb.TxResults.Select(r => r.Code));
        }

        Assert.Empty(a.App.CheckInvariants());
    }

    [Fact]
    public void PrepareProposal_RespectsMaxTxBytesAndDropsUndecodable()
    {
        var chain = new TestChain();
        var good = Build.A.Transfer.Signed();
        var size = Phoenix.Protocol.Application.PhoenixApplication.ProtoSizeInData(good.Length);
        var response = chain.App.PrepareProposal(new PrepareProposalRequest(
            size * 2 + 4, [good, new byte[] { 1, 2, 3 }, Build.A.Transfer.Sequence(1).Signed(), Build.A.Transfer.Sequence(2).Signed()],
            ExtendedCommitInfo.Empty, [], 1, TestChain.GenesisTime, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(2, response.Txs.Count);
        Assert.Equal(good, response.Txs[0].ToArray());
        Assert.Equal(ProposalStatus.Reject, chain.App.ProcessProposal(new ProcessProposalRequest(
            [new byte[] { 1 }], CommitInfo.Empty, [], ReadOnlyMemory<byte>.Empty, 1, TestChain.GenesisTime, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)).Status);
    }
}
