using Phoenix.Protocol.State;

namespace Phoenix.Sdk.Client.Internal;

/// <summary>
/// The part of one committed state that a typed read fetched (each entry proof-checked when the client has a
/// trusted app hash source), served to the protocol's own module accessors (<c>StakingModule.GetValidators</c>,
/// <c>OracleModule.GetPrice</c>, ...) so the SDK decodes records with exactly the chain's rules.
/// </summary>
/// <remarks>Reading a key or prefix that was not fetched is a bug in the SDK and throws, rather than answering "absent".</remarks>
internal sealed class ProvenState : IStateReader
{
    private readonly Dictionary<string, byte[]?> _keys = new(StringComparer.Ordinal);
    private readonly List<(byte[] Prefix, IReadOnlyList<KeyValuePair<byte[], byte[]>> Entries)> _prefixes = [];

    public ProvenState(long height) => Height = height;

    /// <summary>The committed height every fetched entry belongs to.</summary>
    public long Height { get; }

    public void AddKey(byte[] key, byte[]? value) => _keys[Convert.ToHexString(key)] = value;

    public void AddPrefix(byte[] prefix, IReadOnlyList<KeyValuePair<byte[], byte[]>> entries) => _prefixes.Add((prefix, entries));

    public bool HasKey(ReadOnlySpan<byte> key) => _keys.ContainsKey(Convert.ToHexString(key));

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        if (_keys.TryGetValue(Convert.ToHexString(key), out var value))
        {
            return value;
        }

        foreach (var (prefix, entries) in _prefixes)
        {
            if (key.StartsWith(prefix))
            {
                foreach (var e in entries)
                {
                    if (key.SequenceEqual(e.Key))
                    {
                        return e.Value;
                    }
                }

                return null;
            }
        }

        throw new InvalidOperationException($"The SDK read state key {Convert.ToHexString(key)} without fetching it.");
    }

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(ReadOnlySpan<byte> prefix)
    {
        foreach (var (fetched, entries) in _prefixes)
        {
            if (prefix.StartsWith(fetched))
            {
                var result = new List<KeyValuePair<byte[], byte[]>>();
                foreach (var e in entries)
                {
                    if (e.Key.AsSpan().StartsWith(prefix))
                    {
                        result.Add(e);
                    }
                }

                return result;
            }
        }

        throw new InvalidOperationException($"The SDK scanned state prefix {Convert.ToHexString(prefix)} without fetching it.");
    }
}
