using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Sdk.Transactions.Internal;

/// <summary>The protocol's strict decoder with the message types the SDK builds, used to turn signed bytes into a <see cref="SignedTransaction"/>.</summary>
internal static class SdkTxDecoder
{
    private static readonly Lazy<TxDecoder> Shared = new(Create);

    public static TxDecoder Instance => Shared.Value;

    private static TxDecoder Create()
    {
        var registry = new MessageRegistry();
        new AuthModule().RegisterMessages(registry);
        new BankModule().RegisterMessages(registry);
        var p = ChainParameters.Default;
        return new TxDecoder(registry, p.MaxTxBytes, p.MaxMessagesPerTx, p.MaxMemoBytes);
    }
}
