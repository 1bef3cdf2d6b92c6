using System.Text.Json;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Genesis;

/// <summary>Builds a <see cref="Genesis"/> (CONVENTIONS habit 12).</summary>
/// <example>
/// <code>
/// var genesis = new GenesisBuilder("phoenix-devnet", Timestamp.FromUnixNanoseconds(0))
///     .WithStandardAllocation(publicSale, foundation, team, partners)
///     .AddValidator(key, operatorAddress, "DE", power: 10)
///     .Build();
/// </code>
/// </example>
public sealed class GenesisBuilder
{
    /// <summary>Genesis PHNX supply in uphnx (1,000,000,000 PHNX).</summary>
    public static readonly UInt128 StandardSupplyUphnx = (UInt128)1_000_000_000 * Denom.UnitsPerToken;

    /// <summary>Seconds in a protocol year (365 days).</summary>
    public const long SecondsPerYear = 365L * 24 * 3600;

    /// <summary>The module account holding the community pool (spendable only by governance).</summary>
    public const string CommunityPoolAccount = "community_pool";

    private readonly string _chainId;
    private readonly Timestamp _time;
    private readonly List<GenesisAccount> _accounts = [];
    private readonly List<GenesisModuleAccount> _moduleAccounts = [];
    private readonly List<GenesisValidator> _validators = [];
    private readonly Dictionary<string, JsonElement> _modules = new(StringComparer.Ordinal);
    private ChainParameters _parameters = ChainParameters.Default;
    private PublicKey? _admin;

    /// <summary>Starts a genesis.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="genesisTime">Genesis time.</param>
    public GenesisBuilder(string chainId, Timestamp genesisTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainId);
        _chainId = chainId;
        _time = genesisTime;
    }

    /// <summary>Sets the chain parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder WithParameters(ChainParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        return this;
    }

    /// <summary>Sets the Phase-1 admin key.</summary>
    /// <param name="admin">The key.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder WithAdmin(PublicKey admin)
    {
        _admin = admin;
        return this;
    }

    /// <summary>Funds an account.</summary>
    /// <param name="address">The account.</param>
    /// <param name="balances">Its balances.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder AddAccount(Address address, params Amount[] balances)
    {
        _accounts.Add(new GenesisAccount(address, [.. balances]));
        return this;
    }

    /// <summary>Funds an account, optionally with vesting and a label.</summary>
    /// <param name="account">The account.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder AddAccount(GenesisAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _accounts.Add(account);
        return this;
    }

    /// <summary>Funds a module account.</summary>
    /// <param name="name">Module account name.</param>
    /// <param name="balances">Balances.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder AddModuleAccount(string name, params Amount[] balances)
    {
        _moduleAccounts.Add(new GenesisModuleAccount(name, [.. balances]));
        return this;
    }

    /// <summary>Adds an initial validator.</summary>
    /// <param name="consensusKey">Consensus key.</param>
    /// <param name="operatorAddress">Operator account.</param>
    /// <param name="jurisdiction">ISO 3166-1 alpha-2.</param>
    /// <param name="power">Voting power.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder AddValidator(PublicKey consensusKey, Address operatorAddress, string jurisdiction, long power)
    {
        _validators.Add(new GenesisValidator(consensusKey, operatorAddress, jurisdiction, power));
        return this;
    }

    /// <summary>Adds a module's own genesis section.</summary>
    /// <param name="module">Module name.</param>
    /// <param name="section">Its JSON.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder WithModuleSection(string module, JsonElement section)
    {
        _modules[module] = section.Clone();
        return this;
    }

    /// <summary>
    /// The DESIGN §4 allocation of 1,000,000,000 PHNX: 30 % public sale (liquid), 20 % foundation
    /// (linear over 4 years), 15 % team (3-year linear with a 1-year cliff: one third at month 12),
    /// 25 % community pool (module account, governance only) and 10 % validators and partners (liquid).
    /// Years are 365 days counted from genesis time.
    /// </summary>
    /// <param name="publicSale">Receives the public-sale share.</param>
    /// <param name="foundation">Receives the foundation share.</param>
    /// <param name="team">Receives the team share.</param>
    /// <param name="partners">Receives the validators-and-partners share.</param>
    /// <returns>This builder.</returns>
    public GenesisBuilder WithStandardAllocation(Address publicSale, Address foundation, Address team, Address partners)
    {
        UInt128 Share(ulong percent) => StandardSupplyUphnx / 100 * percent;
        var foundationAmount = Share(20);
        var teamAmount = Share(15);
        _accounts.Add(new GenesisAccount(publicSale, [new Amount(Share(30), Denom.Phnx)], null, "public_sale"));
        _accounts.Add(new GenesisAccount(
            foundation,
            [new Amount(foundationAmount, Denom.Phnx)],
            new VestingSchedule(foundationAmount, _time, _time, _time.AddSeconds(4 * SecondsPerYear)),
            "foundation"));
        _accounts.Add(new GenesisAccount(
            team,
            [new Amount(teamAmount, Denom.Phnx)],
            new VestingSchedule(teamAmount, _time, _time.AddSeconds(SecondsPerYear), _time.AddSeconds(3 * SecondsPerYear)),
            "team"));
        _moduleAccounts.Add(new GenesisModuleAccount(CommunityPoolAccount, [new Amount(Share(25), Denom.Phnx)]));
        _accounts.Add(new GenesisAccount(partners, [new Amount(Share(10), Denom.Phnx)], null, "validators_partners"));
        return this;
    }

    /// <summary>Builds and validates the genesis.</summary>
    /// <returns>The immutable genesis.</returns>
    /// <exception cref="InvalidOperationException">The genesis is invalid (every problem is listed).</exception>
    public Genesis Build()
    {
        var genesis = new Genesis
        {
            ChainId = _chainId,
            GenesisTime = _time,
            Parameters = _parameters,
            AdminKey = _admin,
            Accounts = [.. _accounts],
            ModuleAccounts = [.. _moduleAccounts],
            Validators = [.. _validators],
            Modules = new Dictionary<string, JsonElement>(_modules, StringComparer.Ordinal),
        };
        var errors = genesis.Validate();
        return errors.Count == 0 ? genesis : throw new InvalidOperationException("Invalid genesis: " + string.Join(" ", errors));
    }
}
