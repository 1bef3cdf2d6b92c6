using Google.Protobuf;
using Phoenix.IntegrationTests.Support;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.IntegrationTests.Node;

/// <summary>Four real validators (PhoenixNode, Phoenix application, RocksDB, gRPC on loopback) in one process.</summary>
public sealed class LoopbackNetworkTests
{
    [Fact]
    public async Task FourValidators_CommitFiftyBlocksWithSignedTransfers_SameAppHashOnEveryNode()
    {
        await using var net = await LoopbackDevnet.StartAsync(4);
        var recipient = TestKeys.Dave.Address;
        var hashes = new List<Hash32>();
        for (var round = 0; round < 5; round++)
        {
            for (var s = 0; s < LoopbackDevnet.Senders.Count; s++)
            {
                // One node per sender: without relying on tx gossip, each sender's sequence stays on one mempool.
                var tx = net.Transfer(LoopbackDevnet.Senders[s], recipient, 1_000_000);
                var response = await net.BroadcastAsync(s, tx);
                Assert.Equal(AdmissionStatus.Accepted, response.Admission);
                hashes.Add(Hash32.Sha256(tx));
            }
        }

        await net.WaitHeightAsync(51);

        net.AssertSameAppHashes(1, 50);
        for (var i = 0; i < 4; i++)
        {
            foreach (var hash in hashes)
            {
                var got = await net.Client(i).GetTxAsync(new GetTxRequest { Hash = ByteString.CopyFrom(hash.ToArray()) });
                Assert.False(got.Pending);
                Assert.InRange(got.Height, 1, 51);
                Assert.Equal(0u, got.Result.Code);
            }

            var balance = net.Nodes[i]!.ReadState(app => BankModule.GetBalance(app.CommittedState, recipient, Denom.Phnx));
            Assert.Equal(new Amount((UInt128)hashes.Count * 1_000_000, Denom.Phnx), balance);
        }
    }
}
