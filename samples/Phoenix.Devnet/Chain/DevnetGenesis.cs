using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet.Chain;

/// <summary>The devnet's keys, shortened parameters and genesis.</summary>
public sealed class DevnetGenesis
{
    /// <summary>The devnet chain id.</summary>
    public const string ChainId = "phoenix-devnet-1";

    /// <summary>PHNX each validator bonds at genesis.</summary>
    public const ulong ValidatorStakePhnx = 100_000;

    private static readonly string[] Jurisdictions = ["DE", "FR", "US", "JP"];

    /// <summary>The genesis time of the virtual-clock devnet (2026-01-01 00:00 UTC), so that its runs are reproducible.</summary>
    public static readonly Timestamp VirtualGenesisTime = new(1_767_225_600, 0);

    /// <summary>Creates the keys and genesis of the virtual-clock devnet for <paramref name="validators"/> validators.</summary>
    /// <param name="validators">Number of validators (at least 4 so that no jurisdiction holds a third).</param>
    public DevnetGenesis(int validators = 4)
        : this(validators, VirtualGenesisTime, Parameters, [])
    {
    }

    private DevnetGenesis(int validators, Timestamp genesisTime, ChainParameters parameters, IReadOnlyList<GuestAccount> guests)
    {
        ChainParameters = parameters;
        Guests = guests;
        Operators = [.. Enumerable.Range(0, validators).Select(i => DevnetKey.Of($"validator-{i}"))];
        ConsensusKeys = [.. Enumerable.Range(0, validators).Select(i => DevnetKey.Of($"validator-{i}/consensus"))];
        var builder = new GenesisBuilder(ChainId, genesisTime).WithParameters(parameters);
        for (var i = 0; i < validators; i++)
        {
            builder.AddAccount(Operators[i].Address, Amount.FromTokens(ValidatorStakePhnx + 10_000, Denom.Phnx));
            builder.AddValidator(ConsensusKeys[i].PublicKey, Operators[i].Address, Jurisdictions[i % Jurisdictions.Length], (long)ValidatorStakePhnx);
        }

        builder.AddAccount(Buyer.Address, Amount.FromTokens(1_000_000, Denom.Phnx));
        foreach (var miner in Miners)
        {
            builder.AddAccount(miner.Address, Amount.FromTokens(1_000, Denom.Phnx));
        }

        builder.AddAccount(Auditor.Address, Amount.FromTokens(100_000, Denom.Phnx));
        builder.AddAccount(MarketMaker.Address, Amount.FromTokens(1_000_000, Denom.Phnx));
        foreach (var guest in guests)
        {
            builder.AddAccount(guest.Address, Amount.FromTokens(guest.Phnx, Denom.Phnx));
        }

        Genesis = builder.Build();
    }

    /// <summary>
    /// The protocol parameters on a shortened devnet clock: the 2-hour challenge window, 1-hour dispute move timeout
    /// and hourly buy-back epoch become seconds, so a whole job settles in a few virtual minutes.
    /// </summary>
    public static ChainParameters Parameters { get; } = ChainParameters.Default with
    {
        ChallengeWindowSeconds = 30,
        DisputeMoveTimeoutSeconds = 20,
        DisputeVotingSeconds = 120,
        BuyBackEpochSeconds = 60,
        OracleStalenessSeconds = 120,
        ValidatorPowerCap = Ratio.FromBasisPoints(3_000),
    };

    /// <summary>
    /// The protocol parameters of the live (wall-clock) devnet: shorter still than <see cref="Parameters"/>, because on the
    /// live network chain time passes while the agents compute, so a job settles in a couple of minutes.
    /// </summary>
    public static ChainParameters LiveParameters { get; } = Parameters with
    {
        ChallengeWindowSeconds = 10,
        DisputeMoveTimeoutSeconds = 15,
        DisputeVotingSeconds = 60,
        BuyBackEpochSeconds = 15,
    };

    /// <summary>The parameters this genesis uses (<see cref="Parameters"/> or <see cref="LiveParameters"/>).</summary>
    public ChainParameters ChainParameters { get; }

    /// <summary>
    /// Accounts funded for people to use with their own tools (Phoenix.Buyer, Phoenix.Miner, the SDK) against the live
    /// devnet; their mnemonics are public, like every devnet key. Empty on the virtual-clock devnet.
    /// </summary>
    public IReadOnlyList<GuestAccount> Guests { get; }

    /// <summary>Creates the keys and genesis of the live devnet: genesis time <paramref name="genesisTime"/>, <see cref="LiveParameters"/> and funded guest accounts.</summary>
    /// <param name="genesisTime">The genesis time (now, so that chain time starts at zero).</param>
    /// <returns>The genesis.</returns>
    public static DevnetGenesis Live(Timestamp genesisTime) => new(4, genesisTime, LiveParameters, [GuestAccount.Of("guest-buyer", 100_000), GuestAccount.Of("guest-miner", 1_000)]);

    /// <summary>Validator operator keys (accounts that bond, attest, report prices and sit on committees).</summary>
    public IReadOnlyList<DevnetKey> Operators { get; }

    /// <summary>Validator consensus keys (sign votes).</summary>
    public IReadOnlyList<DevnetKey> ConsensusKeys { get; }

    /// <summary>The buyer.</summary>
    public DevnetKey Buyer { get; } = DevnetKey.Of("buyer");

    /// <summary>Two honest miners and the cheater, in that order.</summary>
    public IReadOnlyList<DevnetKey> Miners { get; } = [DevnetKey.Of("miner-1"), DevnetKey.Of("miner-2"), DevnetKey.Of("cheater")];

    /// <summary>An independent auditor that re-executes attested units and challenges wrong ones.</summary>
    public DevnetKey Auditor { get; } = DevnetKey.Of("auditor");

    /// <summary>A PHNX holder that sells into the buy-back auction.</summary>
    public DevnetKey MarketMaker { get; } = DevnetKey.Of("market-maker");

    /// <summary>The genesis.</summary>
    public Genesis Genesis { get; }
}

/// <summary>A funded devnet account with a BIP-39 mnemonic (derived from its name; public, like every devnet key).</summary>
/// <param name="Name">What it is for.</param>
/// <param name="Mnemonic">The 24-word phrase (the SDK's default derivation path gives <paramref name="Address"/>).</param>
/// <param name="Address">The account address.</param>
/// <param name="Phnx">PHNX funded at genesis, in whole tokens.</param>
public sealed record GuestAccount(string Name, string Mnemonic, Address Address, ulong Phnx)
{
    /// <summary>The guest account for <paramref name="name"/>: entropy is SHA-256 of "phoenix-devnet/" and the name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="phnx">PHNX funded at genesis, in whole tokens.</param>
    /// <returns>The account.</returns>
    public static GuestAccount Of(string name, ulong phnx)
    {
        var mnemonic = Sdk.Wallets.Mnemonic.FromEntropy(Hash32.Sha256(System.Text.Encoding.UTF8.GetBytes("phoenix-devnet/" + name)).ToArray());
        using var wallet = Sdk.Wallets.Wallet.FromMnemonic(mnemonic);
        return new GuestAccount(name, mnemonic.ToPhrase(), wallet.Address, phnx);
    }
}
