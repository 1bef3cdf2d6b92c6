using Phoenix.IntegrationTests.Support;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Modules.Staking;

namespace Phoenix.IntegrationTests.Node;

/// <summary>A validator whose signer also signs and broadcasts a conflicting prevote is caught through evidence and slashed.</summary>
public sealed class DoubleSignTests
{
    private const int Byzantine = 3;

    [Fact]
    public async Task ValidatorDoubleSigns_EvidenceReachesFinalizeBlock_SlashedAndTombstonedOnEveryNode()
    {
        await using var net = await LoopbackDevnet.StartAsync(4, beforeStart: (i, runtime) =>
        {
            if (i == Byzantine)
            {
                runtime.SignerFactory = (seed, _) => new EquivocatingSigner(seed.ToArray(), 4, v => runtime.Transport.Broadcast(ConsensusMessageCodec.Encode(new VoteMessage(v))));
            }
        });
        var byzantineKey = net.Homes[Byzantine].ConsensusKey.ToPublicKey();
        var honest = new[] { 0, 1, 2 };

        var deadline = DateTimeOffset.UtcNow + LoopbackDevnet.Generous;
        while (!honest.All(i => net.Nodes[i]!.ReadState(app => StakingModule.GetValidatorByConsensusAddress(app.CommittedState, byzantineKey.Address.ToArray())?.Tombstoned ?? false)))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the double-signing validator was not tombstoned");
            await Task.Delay(100);
        }

        var target = net.MaxHeight(honest) + 1;
        await net.WaitHeightAsync(target, honest);
        net.AssertSameAppHashes(1, target, honest);
        var evidence = Enumerable.Range(1, (int)target)
            .SelectMany(h => net.Nodes[0]!.Runtime.Blocks!.LoadBlock(h)!.Block.Evidence)
            .ToList();
        var distinct = evidence.DistinctBy(e => (e.Height, e.VoteA.Round)).ToList();
        Assert.InRange(distinct.Count, 1, EquivocatingSigner.MaxLeaks);
        Assert.All(distinct, ev => Assert.Equal(Validator.AddressOf(byzantineKey.ToArray()), ev.VoteA.ValidatorAddress));
        foreach (var i in honest)
        {
            var (cheat, fair) = net.Nodes[i]!.ReadState(app => (
                StakingModule.GetValidatorByConsensusAddress(app.CommittedState, byzantineKey.Address.ToArray())!,
                StakingModule.GetValidatorByConsensusAddress(app.CommittedState, net.Homes[0].ConsensusKey.ToPublicKey().Address.ToArray())!));
            Assert.True(cheat.Jailed);
            Assert.True(cheat.Tombstoned);
            Assert.True(cheat.Tokens < fair.Tokens, $"not slashed: {cheat.Tokens} vs {fair.Tokens}");
            Assert.False(fair.Jailed);
        }
    }

    /// <summary>
    /// Signs honestly, and from <c>atHeight</c> on also signs a nil prevote conflicting with its real (non-nil) one and
    /// leaks it, once per height for up to <see cref="MaxLeaks"/> heights (a loaded machine may make it prevote nil at
    /// one height, or let the honest nodes move on before the leaked vote arrives).
    /// </summary>
    private sealed class EquivocatingSigner(byte[] seed, long atHeight, Action<Vote> leak) : IPrivValidator
    {
        public const int MaxLeaks = 3;
        private readonly FilePrivValidator _inner = FilePrivValidator.InMemory(seed);
        private int _leaks;
        private long _lastLeakHeight;

        public byte[] PublicKey => _inner.PublicKey;

        public bool TrySignVote(string chainId, Vote vote, out Vote? signed)
        {
            var ok = _inner.TrySignVote(chainId, vote, out signed);
            if (ok && _leaks < MaxLeaks && vote.Height >= atHeight && vote.Height != _lastLeakHeight && vote.Type == SignedMsgType.Prevote && !vote.BlockId.IsNil)
            {
                _leaks++;
                _lastLeakHeight = vote.Height;
                var conflicting = vote with { BlockId = BlockId.Nil };
                leak(conflicting with { Signature = Ed25519.Sign(seed, conflicting.SignBytes(chainId)) });
            }

            return ok;
        }

        public bool TrySignProposal(string chainId, Proposal proposal, out Proposal? signed) => _inner.TrySignProposal(chainId, proposal, out signed);
    }
}
