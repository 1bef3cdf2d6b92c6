using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Distribution;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Slashing;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Sdk.Transactions.Internal;

/// <summary>
/// The protocol's strict decoder with every chain message type (auth, bank, staking, distribution,
/// slashing, oracle, burn-to-mint, governance and the task market), used to turn signed bytes into a
/// <see cref="SignedTransaction"/> and to read transactions back from blocks.
/// </summary>
/// <remarks>The modules are only asked to register their message converters; their handlers never run here.</remarks>
internal static class SdkTxDecoder
{
    private static readonly Lazy<TxDecoder> Shared = new(Create);

    public static TxDecoder Instance => Shared.Value;

    private static TxDecoder Create()
    {
        var registry = new MessageRegistry();
        new AuthModule().RegisterMessages(registry);
        new BankModule().RegisterMessages(registry);
        new StakingModule().RegisterMessages(registry);
        new DistributionModule().RegisterMessages(registry);
        new SlashingModule().RegisterMessages(registry);
        new OracleModule().RegisterMessages(registry);
        new MintModule().RegisterMessages(registry);
        new GovernanceModule().RegisterMessages(registry);
        new TaskMarketModule(new StakingTaskStakingPort(), new OracleTaskPricePort()).RegisterMessages(registry);
        var p = ChainParameters.Default;
        return new TxDecoder(registry, p.MaxTxBytes, p.MaxMessagesPerTx, p.MaxMemoBytes);
    }
}

/// <summary>Decodes transactions read back from blocks (null when they are not valid).</summary>
internal static class SdkTxDecoderAccess
{
    public static SignedTransaction? Decode(ReadOnlySpan<byte> raw)
    {
        var decoded = SdkTxDecoder.Instance.Decode(raw);
        return decoded.IsOk ? decoded.Transaction : null;
    }
}
