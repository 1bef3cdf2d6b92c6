using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Client;

/// <summary>An <see cref="IAccountSequenceSource"/> that reads an account's committed sequence through a <see cref="PhoenixClient"/>.</summary>
/// <remarks>Thread-safe. It reads committed state, so transactions still in a mempool are not counted; the
/// <see cref="SequenceManager"/> counts locally after the first read and recovers from a mismatch.</remarks>
public sealed class ClientSequenceSource : IAccountSequenceSource
{
    private readonly PhoenixClient _client;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The client to read through.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public ClientSequenceSource(PhoenixClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc />
    public async ValueTask<ulong> GetSequenceAsync(ReadOnlyMemory<byte> address, CancellationToken cancellationToken = default)
    {
        if (address.Length != Address.Length)
        {
            throw new ArgumentException($"An address is {Address.Length} bytes; got {address.Length}.", nameof(address));
        }

        var account = await _client.GetAccountAsync(new Address(address.Span), 0, cancellationToken).ConfigureAwait(false);
        return account.Sequence;
    }
}
