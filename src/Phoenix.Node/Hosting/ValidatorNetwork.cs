using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Hosting;

/// <summary>One validator's home directory as written by <see cref="ValidatorNetwork.Initialize"/>.</summary>
/// <param name="HomeDirectory">The home directory (holds <c>genesis.json</c>, the key files and, once run, <c>data/</c>).</param>
/// <param name="NodeId">The node id peers use for it (see <see cref="ValidatorKeyFile.NodeId"/>).</param>
/// <param name="ConsensusKey">Its consensus (signing) key.</param>
/// <param name="Operator">Its operator account (funded in genesis).</param>
public sealed record ValidatorHome(string HomeDirectory, string NodeId, ValidatorKeyFile ConsensusKey, ValidatorKeyFile Operator)
{
    /// <summary>Options for a node running from this home (listen URL and peers still to be set).</summary>
    /// <returns>Fresh options with <see cref="PhoenixNodeOptions.HomeDirectory"/> and the moniker set.</returns>
    public PhoenixNodeOptions CreateOptions() => new() { HomeDirectory = HomeDirectory, Moniker = "validator-" + NodeId[..8] };
}

/// <summary>
/// Writes a new network: one genesis shared by N validators and, in each validator's home directory,
/// <c>genesis.json</c>, <c>priv_validator_key.json</c> (consensus key) and <c>operator_key.json</c> (operator account key).
/// Used by <c>Phoenix.Validator init</c>, the devnet sample and tests.
/// </summary>
public static class ValidatorNetwork
{
    /// <summary>The file name of the genesis in a home directory.</summary>
    public const string GenesisFileName = "genesis.json";

    /// <summary>The file name of the consensus key in a home directory.</summary>
    public const string ConsensusKeyFileName = "priv_validator_key.json";

    /// <summary>The file name of the operator key in a home directory.</summary>
    public const string OperatorKeyFileName = "operator_key.json";

    /// <summary>Jurisdictions assigned to validators in turn (the staking module caps the share of one jurisdiction).</summary>
    private static readonly string[] Jurisdictions = ["DE", "FR", "US", "JP", "CH", "SG", "CA", "BR"];

    /// <summary>Creates keys for each home directory, builds the genesis and writes both.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="genesisTime">The genesis time.</param>
    /// <param name="homeDirectories">One directory per validator (created when missing; existing key files are kept).</param>
    /// <param name="configure">Adds accounts, parameters or module sections to the genesis (optional).</param>
    /// <param name="power">Each validator's voting power.</param>
    /// <param name="operatorBalance">Each operator account's PHNX balance.</param>
    /// <returns>The validators in the order of <paramref name="homeDirectories"/>.</returns>
    /// <exception cref="ArgumentException">No home directories, or two are the same.</exception>
    /// <exception cref="InvalidOperationException">The resulting genesis is invalid.</exception>
    public static IReadOnlyList<ValidatorHome> Initialize(
        string chainId,
        Timestamp genesisTime,
        IReadOnlyList<string> homeDirectories,
        Action<GenesisBuilder>? configure = null,
        long power = 100,
        Amount? operatorBalance = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainId);
        ArgumentNullException.ThrowIfNull(homeDirectories);
        if (homeDirectories.Count == 0)
        {
            throw new ArgumentException("At least one home directory is needed.", nameof(homeDirectories));
        }

        var full = homeDirectories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).ToList();
        if (full.Distinct(StringComparer.Ordinal).Count() != full.Count)
        {
            throw new ArgumentException("Each validator needs its own home directory.", nameof(homeDirectories));
        }

        var homes = new List<ValidatorHome>();
        foreach (var dir in full)
        {
            Directory.CreateDirectory(dir);
            var consensus = LoadOrCreate(Path.Combine(dir, ConsensusKeyFileName));
            var op = LoadOrCreate(Path.Combine(dir, OperatorKeyFileName));
            homes.Add(new ValidatorHome(dir, consensus.NodeId(), consensus, op));
        }

        var builder = new GenesisBuilder(chainId, genesisTime);
        var balance = operatorBalance ?? Amount.FromTokens(1_000, Denom.Phnx);
        for (var i = 0; i < homes.Count; i++)
        {
            var opAddress = homes[i].Operator.ToPublicKey().Address;
            builder.AddAccount(opAddress, balance);
            builder.AddValidator(homes[i].ConsensusKey.ToPublicKey(), opAddress, Jurisdictions[i % Jurisdictions.Length], power);
        }

        configure?.Invoke(builder);
        var genesis = builder.Build();
        var errors = genesis.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The genesis is invalid: " + string.Join(" ", errors));
        }

        var json = genesis.ToJson();
        foreach (var home in homes)
        {
            File.WriteAllBytes(Path.Combine(home.HomeDirectory, GenesisFileName), json);
        }

        return homes;
    }

    private static ValidatorKeyFile LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return ValidatorKeyFile.Read(path);
        }

        var key = ValidatorKeyFile.Generate();
        key.Write(path);
        return key;
    }
}
