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

    /// <summary>Creates the keys and genesis for <paramref name="validators"/> validators.</summary>
    /// <param name="validators">Number of validators (at least 4 so that no jurisdiction holds a third).</param>
    public DevnetGenesis(int validators = 4)
    {
        Operators = [.. Enumerable.Range(0, validators).Select(i => DevnetKey.Of($"validator-{i}"))];
        ConsensusKeys = [.. Enumerable.Range(0, validators).Select(i => DevnetKey.Of($"validator-{i}/consensus"))];
        var builder = new GenesisBuilder(ChainId, new Timestamp(1_767_225_600, 0)).WithParameters(Parameters);
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
