using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Application;

public class InvariantPropertyTests
{
    private static readonly TestKey[] Keys = [TestKeys.Alice, TestKeys.Bob, TestKeys.Carol, TestKeys.Dave, TestKeys.Numbered(1)];

    /// <summary>One generated transaction: who, to whom, what, and how it may be broken.</summary>
    public sealed record TxSpec(byte From, byte To, ulong Amount, byte Denom, ulong Fee, byte Fault);

    private static byte[] Make(TxSpec s, ulong[] sequences)
    {
        var from = Keys[s.From % Keys.Length];
        var fault = s.Fault % 8;
        var sequence = sequences[s.From % Keys.Length] + (fault == 1 ? 1UL : 0UL);
        var builder = Build.A.Transfer.From(from).To(Keys[s.To % Keys.Length])
            .Amount(s.Amount % 3 == 0 ? s.Amount : s.Amount % 5_000_000_000_000, Denom.All[s.Denom % 3])
            .Fee(s.Fee % 100_000, s.Fee % 2 == 0 ? Denom.Phnx : Denom.Spark)
            .Sequence(sequence)
            .ChainId(fault == 2 ? "wrong" : TestChain.ChainId);
        var bytes = builder.Signed();
        if (fault == 3)
        {
            bytes[^5] ^= 0x40; // break the signature
        }

        return fault == 4 ? [.. bytes, 0x1a, 0x00] : bytes;
    }

    [Fact]
    public void RandomBlocks_ValidAndInvalidTransactions_SupplyInvariantsHoldAfterEveryBlock()
    {
        Prop.ForAll<TxSpec[][]>(blocks =>
        {
            var chain = new TestChain();
            var sequences = new ulong[Keys.Length];
            var phnxSupply = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
            foreach (var block in blocks.Where(b => b is not null).Take(6))
            {
                var txs = block.Where(t => t is not null).Take(8).ToList();
                var response = chain.Block([.. txs.Select(t => Make(t, sequences))]);
                // The sequence advances exactly when the ante checks passed (fee charged), even if messages failed.
                for (var i = 0; i < txs.Count; i++)
                {
                    var r = response.TxResults[i];
                    if (r.IsOk || (r.Codespace == BankErrors.Codespace))
                    {
                        sequences[txs[i].From % Keys.Length]++;
                    }
                }

                var violations = chain.App.CheckInvariants();
                if (violations.Count > 0 || BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx) != phnxSupply)
                {
                    return false;
                }

                foreach (var (key, index) in Keys.Select((k, i) => (k, i)))
                {
                    if (Phoenix.Protocol.Modules.Auth.AuthModule.GetAccount(chain.App.CommittedState, key.Address).Sequence != sequences[index])
                    {
                        return false;
                    }
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }
}
