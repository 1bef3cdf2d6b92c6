using System.Globalization;
using System.Text;

namespace Phoenix.Sdk.Wallets;

/// <summary>
/// A SLIP-0010 Ed25519 derivation path such as <c>m/44'/7447'/0'/0'/0'</c>. Ed25519 supports only
/// hardened derivation, so every level is hardened.
/// </summary>
/// <remarks>
/// Phoenix wallets use <c>m/44'/<see cref="PhoenixCoinType"/>'/account'/0'/index'</c>
/// (<see cref="ForAccount"/>). Immutable and thread-safe.
/// </remarks>
public sealed class DerivationPath : IEquatable<DerivationPath>
{
    /// <summary>The offset that marks an index as hardened (2^31).</summary>
    public const uint HardenedOffset = 0x8000_0000;

    /// <summary>
    /// The coin type Phoenix uses in BIP-44-style paths. Provisional: 7447 is not registered in
    /// SLIP-0044 yet and must be registered before a main network launches; changing it changes
    /// every address derived from a mnemonic.
    /// </summary>
    public const uint PhoenixCoinType = 7447;

    private readonly uint[] _indices;

    private DerivationPath(uint[] indices) => _indices = indices;

    /// <summary>The levels, each with <see cref="HardenedOffset"/> set.</summary>
    public IReadOnlyList<uint> Indices => _indices;

    /// <summary>The Phoenix path of an account and address index: <c>m/44'/7447'/account'/0'/index'</c>.</summary>
    /// <param name="account">The account (below 2^31).</param>
    /// <param name="index">The address index within the account (below 2^31).</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is 2^31 or more.</exception>
    public static DerivationPath ForAccount(uint account = 0, uint index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(account, HardenedOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, HardenedOffset);
        return new DerivationPath([44 | HardenedOffset, PhoenixCoinType | HardenedOffset, account | HardenedOffset, HardenedOffset, index | HardenedOffset]);
    }

    /// <summary>Parses a path: <c>m</c> followed by <c>/n'</c> levels (<c>'</c>, <c>h</c> or <c>H</c> marks hardening).</summary>
    /// <param name="path">The path text.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not a path, or a level is not hardened (SLIP-0010 Ed25519 has no public derivation).</exception>
    public static DerivationPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        if (parts[0] != "m")
        {
            throw new FormatException($"A derivation path starts with 'm'; got '{path}'.");
        }

        var indices = new uint[parts.Length - 1];
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length < 2 || part[^1] is not ('\'' or 'h' or 'H'))
            {
                throw new FormatException($"Level {i} of '{path}' is not hardened; SLIP-0010 Ed25519 derivation supports hardened levels only (write {part}').");
            }

            if (!uint.TryParse(part.AsSpan(0, part.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value >= HardenedOffset)
            {
                throw new FormatException($"Level {i} of '{path}' is not a number below 2^31.");
            }

            indices[i - 1] = value | HardenedOffset;
        }

        return new DerivationPath(indices);
    }

    /// <summary>The canonical text, for example <c>m/44'/7447'/0'/0'/0'</c>.</summary>
    /// <returns>The path text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("m");
        foreach (var index in _indices)
        {
            sb.Append('/').Append((index & ~HardenedOffset).ToString(CultureInfo.InvariantCulture)).Append('\'');
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(DerivationPath? other) => other is not null && _indices.AsSpan().SequenceEqual(other._indices);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DerivationPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var index in _indices)
        {
            hash.Add(index);
        }

        return hash.ToHashCode();
    }
}
