using System.Security.Cryptography;
using Phoenix.Node.Api;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.LightClient;

/// <summary>
/// Real signed headers for a <see cref="Api.TestNode"/>'s blocks: CometBFT headers built with the node's consensus types
/// (<see cref="Header"/>, <see cref="Vote"/>, <see cref="Commit"/>, <see cref="ValidatorSet"/>), signed with real Ed25519
/// keys from <see cref="TestKeys"/>. Each header carries the node's app hash of the previous height, so query proofs
/// check against it. Scripted faults: which validators sign, which set a header announces as next, and a tamper hook.
/// </summary>
internal sealed class TestLightChain : ILightBlockSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, ConsensusLightBlock> _built = [];
    private IBlockReader? _blocks;

    public TestLightChain(params TestKey[] validators)
    {
        ValidatorsAt = _ => validators;
    }

    /// <summary>The validators (equal power 10) that sign height h and whose hash is in header h.</summary>
    public Func<long, IReadOnlyList<TestKey>> ValidatorsAt { get; set; }

    /// <summary>The set header h announces as next (default: <see cref="ValidatorsAt"/>(h + 1); a forger's chain differs).</summary>
    public Func<long, IReadOnlyList<TestKey>>? AnnouncedNextAt { get; set; }

    /// <summary>Whether a validator signs the commit of a height (default: all).</summary>
    public Func<long, TestKey, bool> Signs { get; set; } = (_, _) => true;

    /// <summary>Rewrites what is served (not what later headers link to).</summary>
    public Func<ConsensusLightBlock, ConsensusLightBlock>? Tamper { get; set; }

    /// <summary>Called when the next, not yet committed, height is asked for (a chain that keeps producing blocks).</summary>
    public Action? ProduceNext { get; set; }

    /// <summary>Heights asked for, in order.</summary>
    public List<long> Requests { get; } = [];

    public long LatestHeight => _blocks?.LatestHeight ?? 0;

    public TestLightChain Bind(IBlockReader blocks)
    {
        _blocks = blocks;
        return this;
    }

    public ConsensusLightBlock? GetLightBlock(long height)
    {
        lock (_lock)
        {
            Requests.Add(height);
        }

        if (height == LatestHeight + 1 && ProduceNext is { } produce)
        {
            produce();
        }

        if (height < 1 || height > LatestHeight)
        {
            return null;
        }

        var block = Build(height);
        return Tamper is { } tamper ? tamper(block) : block;
    }

    public static ValidatorSet SetOf(IEnumerable<TestKey> keys) => ValidatorSet.Create(keys.Select(k => new ValidatorUpdate(k.PublicKey.ToArray(), 10)));

    /// <summary>Signs a precommit for <paramref name="blockId"/> with <paramref name="key"/> (the node's canonical sign bytes).</summary>
    public static CommitSig Sign(TestKey key, long height, int round, BlockId blockId, Timestamp time, int index)
    {
        var address = Validator.AddressOf(key.PublicKey.ToArray());
        var vote = new Vote(SignedMsgType.Precommit, height, round, blockId, time, address, index, []);
        return new CommitSig(BlockIdFlag.Commit, address, time, Ed25519.Sign(key.Seed, vote.SignBytes(TestChain.ChainId)));
    }

    private ConsensusLightBlock Build(long height)
    {
        lock (_lock)
        {
            if (_built.TryGetValue(height, out var cached))
            {
                return cached;
            }

            var previous = height > 1 ? Build(height - 1) : null;
            var api = _blocks!.GetBlock(height) ?? throw new InvalidOperationException($"The test node has no block {height}.");
            var keys = ValidatorsAt(height);
            var set = SetOf(keys);
            var next = SetOf(AnnouncedNextAt?.Invoke(height) ?? ValidatorsAt(height + 1));
            var header = new Header
            {
                VersionBlock = 11,
                ChainId = TestChain.ChainId,
                Height = height,
                Time = api.Time,
                LastBlockId = previous?.Commit.BlockId ?? BlockId.Nil,
                LastCommitHash = previous?.Commit.Hash() ?? [],
                DataHash = Block.ComputeDataHash([.. api.Txs.Select(t => t.ToArray())]),
                ValidatorsHash = set.Hash(),
                NextValidatorsHash = next.Hash(),
                ConsensusHash = Block.ComputeConsensusHash(22020096, -1),
                AppHash = api.AppHash.ToArray(),
                LastResultsHash = MerkleTree.HashFromByteSlices([]),
                EvidenceHash = MerkleTree.HashFromByteSlices([]),
                ProposerAddress = set.Proposer!.Address,
            };
            var hash = header.Hash();
            var blockId = new BlockId(hash, new PartSetHeader(1, SHA256.HashData(hash)));
            var signatures = new List<CommitSig>();
            for (var i = 0; i < set.Count; i++)
            {
                var key = keys.Single(k => Validator.AddressOf(k.PublicKey.ToArray()).AsSpan().SequenceEqual(set.Validators[i].Address));
                signatures.Add(Signs(height, key) ? Sign(key, height, 0, blockId, api.Time.AddSeconds(1), i) : CommitSig.Absent);
            }

            var block = new ConsensusLightBlock(header, new Commit(height, 0, blockId, signatures), set);
            _built[height] = block;
            return block;
        }
    }
}
