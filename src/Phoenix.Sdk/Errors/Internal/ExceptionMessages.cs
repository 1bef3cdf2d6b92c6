using System.Globalization;
using Grpc.Core;

namespace Phoenix.Sdk.Internal;

/// <summary>Every message of the SDK's exceptions, in one place (each says what to do).</summary>
internal static class ExceptionMessages
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Rpc(StatusCode code, string detail, bool transient) => transient
        ? string.Create(Inv, $"The node call failed with {code}: {detail}. This is transient: retry the call (idempotent calls are retried automatically), or check that the node is reachable.")
        : string.Create(Inv, $"The node call failed with {code}: {detail}. Retrying will not help: fix the request or the node configuration.");

    public static string TransactionRejected(uint code, string codespace, string log, bool sequenceMismatch) => sequenceMismatch
        ? string.Create(Inv, $"The node rejected the transaction: sequence mismatch (code {code} in '{codespace}'): {log}. Re-read the account sequence and sign again (SequenceManager does this once automatically).")
        : string.Create(Inv, $"The node rejected the transaction (code {code} in '{codespace}'): {log}. Retrying the same transaction will fail again: fix it (funds, fee, message fields) and sign a new one.");

    public static string BlobMismatch(string expected, string actual) =>
        string.Create(Inv, $"The downloaded blob does not match its content id: expected {expected}, got {actual}. The data was discarded; download it again from another node.");

    public static string LightClient(string reason) =>
        string.Create(Inv, $"Light-client verification failed: {reason}. The node's answer cannot be trusted: query another node, and report this node if it keeps failing.");

    public static string Timeout(TimeSpan timeout, string endpoint) =>
        string.Create(Inv, $"The call to {endpoint} did not complete within {timeout.TotalMilliseconds} ms. Retry the call, or raise PhoenixClientOptions.RequestTimeout if the operation is legitimately slow.");

    public static string NoHealthyEndpoint(int count) =>
        string.Create(Inv, $"All {count} configured node endpoint(s) are currently unavailable (their circuit breakers are open). Retry later, or add more endpoints to PhoenixClientOptions.Endpoints.");

    public static string KeystoreDecryption() =>
        "The keystore could not be decrypted: the password is wrong, or the file was modified or corrupted. Check the password; if it is right, restore the keystore from a backup or recover the wallet from its mnemonic.";

    public static string KeystoreFormat(string reason) =>
        string.Create(Inv, $"The keystore file is not valid: {reason}. Restore it from a backup, or recover the wallet from its mnemonic.");

    public static string KeystoreVersion(int version, int supported) =>
        string.Create(Inv, $"The keystore has version {version}, but this SDK reads only version {supported}. Upgrade the Phoenix SDK, or re-export the key with a compatible version.");

    public static string InvalidMnemonic(string reason) =>
        string.Create(Inv, $"The mnemonic is not valid: {reason}. Check every word against the BIP-39 English word list and their order.");
}
