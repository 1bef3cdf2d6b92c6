using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using WireAccount = Phoenix.Protocol.Wire.State.Account;

namespace Phoenix.Protocol.Modules.Auth;

/// <summary>An account's authentication record.</summary>
/// <param name="Address">The address.</param>
/// <param name="PublicKey">The key, once the account has signed a transaction.</param>
/// <param name="Sequence">The next expected sequence number.</param>
public sealed record AccountInfo(Address Address, PublicKey? PublicKey, ulong Sequence);

/// <summary>
/// Accounts: public keys and sequence numbers (replay protection). The application's transaction
/// checks (signature, sequence, fee) use it; it registers no messages.
/// </summary>
/// <remarks>State (under <c>auth/</c>): <c>a + address(20)</c> → <c>phoenix.state.v1.Account</c>.</remarks>
public sealed class AuthModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "auth";

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <summary>Reads an account (a fresh one with sequence 0 when absent).</summary>
    /// <param name="state">State to read.</param>
    /// <param name="address">The account.</param>
    /// <returns>The account.</returns>
    public static AccountInfo GetAccount(IStateReader state, Address address)
    {
        ArgumentNullException.ThrowIfNull(state);
        Span<byte> key = stackalloc byte[AccountKeyLength];
        WriteAccountKey(key, address);
        var bytes = state.Get(key);
        if (bytes is null)
        {
            return new AccountInfo(address, null, 0);
        }

        var wire = WireAccount.Parser.ParseFrom(bytes);
        return new AccountInfo(address, wire.PublicKey.Length == PublicKey.Length ? new PublicKey(wire.PublicKey.Span) : null, wire.Sequence);
    }

    /// <summary>Writes an account.</summary>
    /// <param name="state">State to write.</param>
    /// <param name="account">The account.</param>
    public static void SetAccount(StateCache state, AccountInfo account)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(account);
        var wire = new WireAccount { Sequence = account.Sequence };
        if (account.PublicKey is { } publicKey)
        {
            Span<byte> raw = stackalloc byte[PublicKey.Length];
            publicKey.TryWriteBytes(raw);
            wire.PublicKey = ByteString.CopyFrom(raw);
        }

        Span<byte> key = stackalloc byte[AccountKeyLength];
        WriteAccountKey(key, account.Address);
        state.Set(key, wire.ToByteArray());
    }

    /// <summary>The full state key of an account (for queries and proofs).</summary>
    /// <param name="address">The account.</param>
    /// <returns>The key.</returns>
    public static byte[] AccountKey(Address address)
    {
        var key = new byte[AccountKeyLength];
        WriteAccountKey(key, address);
        return key;
    }

    private const int AccountKeyLength = 6 + Address.Length;

    private static void WriteAccountKey(Span<byte> key, Address address)
    {
        "auth/a"u8.CopyTo(key);
        address.TryWriteBytes(key[6..]);
    }
}
