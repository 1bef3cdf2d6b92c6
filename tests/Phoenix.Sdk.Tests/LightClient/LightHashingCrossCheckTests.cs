using System.Security.Cryptography;
using Phoenix.Node.Api;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.LightClient.Internal;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.LightClient;

/// <summary>
/// The SDK re-implements the header, validator-set and vote hashing it needs (it must not reference Phoenix.Node);
/// these tests pin it to the node's CometBFT-compatible types on varied inputs.
/// </summary>
public sealed class LightHashingCrossCheckTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void HeaderHash_MatchesNodeHeaderHash(int seed)
    {
        var block = RandomLightBlock(seed);

        var data = LightBlockData.FromWire(block.ToProto(), block.Header.Height);

        Assert.Equal(Convert.ToHexString(block.Header.Hash()), Convert.ToHexString(data.Header.Hash()));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ValidatorSetHash_MatchesNodeValidatorSetHash(int seed)
    {
        var block = RandomLightBlock(seed);

        var data = LightBlockData.FromWire(block.ToProto(), block.Header.Height);

        Assert.Equal(Convert.ToHexString(block.ValidatorSet.Hash()), Convert.ToHexString(data.ValidatorSet.Hash));
        Assert.Equal(block.ValidatorSet.TotalVotingPower, data.ValidatorSet.TotalVotingPower);
        Assert.Equal(block.ValidatorSet.Validators.Select(v => Convert.ToHexString(v.Address)), data.ValidatorSet.Validators.Select(v => Convert.ToHexString(v.Address)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PrecommitSignBytes_MatchNodeVoteSignBytes(int seed)
    {
        var block = RandomLightBlock(seed);

        var data = LightBlockData.FromWire(block.ToProto(), block.Header.Height);

        for (var i = 0; i < block.Commit.Signatures.Count; i++)
        {
            Assert.Equal(Convert.ToHexString(block.Commit.GetVote(i).SignBytes(TestChain.ChainId)), Convert.ToHexString(data.Commit.SignBytes(TestChain.ChainId, i)));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void VerifySelfConsistent_AgreesWithNodeCommitVerify(int seed)
    {
        var block = RandomLightBlock(seed);
        var data = LightBlockData.FromWire(block.ToProto(), block.Header.Height);
        var nodeVerdict = block.Commit.Verify(TestChain.ChainId, block.ValidatorSet, block.Commit.BlockId, block.Header.Height);

        var sdkAccepts = true;
        try
        {
            LightVerifier.VerifySelfConsistent(TestChain.ChainId, data, block.Header.Height);
        }
        catch (LightClientVerificationException)
        {
            sdkAccepts = false;
        }

        Assert.Equal(nodeVerdict == CommitVerification.Valid, sdkAccepts);
    }

    [Fact]
    public void MerkleRoot_MatchesNodeMerkleTreeForEveryCountUpTo33()
    {
        for (var n = 0; n <= 33; n++)
        {
            var items = Enumerable.Range(0, n).Select(i => SHA256.HashData(BitConverter.GetBytes(i))[..(i % 7)]).ToList();

            Assert.Equal(Convert.ToHexString(MerkleTree.HashFromByteSlices(items)), Convert.ToHexString(LightMerkle.Root(items)));
        }
    }

    /// <summary>A header with varied fields (zero and non-zero, negative time), signed by a varied set, some absent or nil.</summary>
    private static ConsensusLightBlock RandomLightBlock(int seed)
    {
        var rng = new Random(seed);
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }

        byte[] MaybeHash() => rng.Next(4) == 0 ? [] : Bytes(32);
        var keys = Enumerable.Range(0, 1 + rng.Next(6)).Select(i => TestKeys.Numbered((seed * 10) + i)).ToList();
        var set = ValidatorSet.Create(keys.Select(k => new ValidatorUpdate(k.PublicKey.ToArray(), 1 + rng.Next(1000))));
        var height = rng.Next(3) == 0 ? 1 : 1 + (long)rng.Next() * rng.Next(1000);
        var header = new Header
        {
            VersionBlock = 11,
            VersionApp = (ulong)rng.Next(3),
            ChainId = TestChain.ChainId,
            Height = height,
            Time = new Timestamp(rng.Next(3) == 0 ? -62135596800 : 1_700_000_000 + rng.Next(), rng.Next(1_000_000_000)),
            LastBlockId = rng.Next(3) == 0 ? BlockId.Nil : new BlockId(Bytes(32), new PartSetHeader((uint)rng.Next(5), Bytes(32))),
            LastCommitHash = MaybeHash(),
            DataHash = MaybeHash(),
            ValidatorsHash = set.Hash(),
            NextValidatorsHash = rng.Next(2) == 0 ? set.Hash() : Bytes(32),
            ConsensusHash = MaybeHash(),
            AppHash = MaybeHash(),
            LastResultsHash = MaybeHash(),
            EvidenceHash = MaybeHash(),
            ProposerAddress = set.Proposer!.Address,
        };
        var blockId = new BlockId(header.Hash(), new PartSetHeader(1 + (uint)rng.Next(3), Bytes(32)));
        var round = rng.Next(3);
        var signatures = new List<CommitSig>();
        for (var i = 0; i < set.Count; i++)
        {
            var key = keys.Single(k => Validator.AddressOf(k.PublicKey.ToArray()).AsSpan().SequenceEqual(set.Validators[i].Address));
            var time = header.Time.AddSeconds(1 + rng.Next(5));
            signatures.Add(rng.Next(5) switch
            {
                0 => CommitSig.Absent,
                1 => TestLightChain.Sign(key, height, round, BlockId.Nil, time, i) with { Flag = BlockIdFlag.Nil },
                _ => TestLightChain.Sign(key, height, round, blockId, time, i),
            });
        }

        return new ConsensusLightBlock(header, new Commit(height, round, blockId, signatures), set);
    }
}
