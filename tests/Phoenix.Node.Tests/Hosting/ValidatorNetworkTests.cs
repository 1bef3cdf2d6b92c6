using Phoenix.Node.Hosting;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Hosting;

public sealed class ValidatorNetworkTests : IDisposable
{
    private static readonly Timestamp Time = new(1_767_225_600, 0);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Initialize_FourHomes_WritesOneGenesisWithEveryValidatorAndDistinctKeys()
    {
        var homes = ValidatorNetwork.Initialize("phoenix-devnet-1", Time, [.. Enumerable.Range(0, 4).Select(i => _dir.Sub("v" + i))]);

        var genesisFiles = homes.Select(h => File.ReadAllBytes(Path.Combine(h.HomeDirectory, ValidatorNetwork.GenesisFileName))).ToList();
        Assert.All(genesisFiles, g => Assert.Equal(genesisFiles[0], g));
        var genesis = Genesis.FromJson(genesisFiles[0]);
        Assert.Equal("phoenix-devnet-1", genesis.ChainId);
        Assert.Equal(
            homes.Select(h => h.ConsensusKey.ToPublicKey()).Order().ToList(),
            genesis.Validators.Select(v => v.ConsensusKey).Order().ToList());
        Assert.Equal(4, homes.Select(h => h.NodeId).Distinct().Count());
        foreach (var home in homes)
        {
            Assert.Equal(home.ConsensusKey, ValidatorKeyFile.Read(Path.Combine(home.HomeDirectory, ValidatorNetwork.ConsensusKeyFileName)));
            Assert.Contains(genesis.Accounts, a => a.Address == home.Operator.ToPublicKey().Address);
        }
    }

    [Fact]
    public void Initialize_Again_KeepsExistingKeys()
    {
        var dirs = new[] { _dir.Sub("a"), _dir.Sub("b") };
        var first = ValidatorNetwork.Initialize("phoenix-devnet-1", Time, dirs);

        var second = ValidatorNetwork.Initialize("phoenix-devnet-1", Time, dirs);

        Assert.Equal(first.Select(h => h.NodeId), second.Select(h => h.NodeId));
    }

    [Fact]
    public void Initialize_SameDirectoryTwice_ThrowsAndWritesNothing()
    {
        var dir = _dir.Sub("same");

        Assert.Throws<ArgumentException>(() => ValidatorNetwork.Initialize("phoenix-devnet-1", Time, [dir, dir + Path.DirectorySeparatorChar]));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void KeyFile_SeedNotHex_ThrowsInvalidData()
    {
        var path = _dir.Sub("key.json");
        (ValidatorKeyFile.Generate() with { Seed = new string('z', 64) }).Write(path);

        Assert.Throws<InvalidDataException>(() => ValidatorKeyFile.Read(path));
    }

    [Fact]
    public void KeyFile_RoundTrip_KeepsSeedAndNodeIdIsValidatorAddress()
    {
        var path = _dir.Sub("key.json");
        var key = ValidatorKeyFile.FromSeed(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        key.Write(path);

        var read = ValidatorKeyFile.Read(path);

        Assert.Equal(key.SeedBytes(), read.SeedBytes());
        Assert.Equal(Convert.ToHexStringLower(Phoenix.Node.Consensus.Types.Validator.AddressOf(read.ToPublicKey().ToArray())), read.NodeId());
    }
}
