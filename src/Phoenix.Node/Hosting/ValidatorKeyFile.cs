using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Hosting;

/// <summary>
/// An Ed25519 key file (<c>priv_validator_key.json</c>, <c>operator_key.json</c>): the 32-byte seed and the public key,
/// hex-encoded. The file is written with owner-only permissions where the platform supports them.
/// </summary>
/// <param name="PublicKey">The public key (hex).</param>
/// <param name="Seed">The 32-byte seed (hex).</param>
public sealed record ValidatorKeyFile(
    [property: JsonPropertyName("public_key")] string PublicKey,
    [property: JsonPropertyName("seed")] string Seed)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Creates a key file record from a seed.</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static ValidatorKeyFile FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new ValidatorKeyFile(Convert.ToHexStringLower(Ed25519.GetPublicKey(seed)), Convert.ToHexStringLower(seed));
    }

    /// <summary>Creates a key file record with a fresh random seed.</summary>
    /// <returns>The record.</returns>
    public static ValidatorKeyFile Generate() => FromSeed(RandomNumberGenerator.GetBytes(32));

    /// <summary>The seed's bytes.</summary>
    /// <returns>32 bytes.</returns>
    public byte[] SeedBytes() => Convert.FromHexString(Seed);

    /// <summary>The public key.</summary>
    /// <returns>The key.</returns>
    public PublicKey ToPublicKey() => Protocol.Primitives.PublicKey.FromSeed(SeedBytes());

    /// <summary>The node id peers know this validator by: the lowercase hex of its 20-byte validator address.</summary>
    /// <returns>The node id.</returns>
    public string NodeId() => Convert.ToHexStringLower(Consensus.Types.Validator.AddressOf(Ed25519.GetPublicKey(SeedBytes())));

    /// <summary>Reads and checks a key file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid key file, or its public key does not match its seed.</exception>
    public static ValidatorKeyFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidatorKeyFile? key;
        try
        {
            key = JsonSerializer.Deserialize<ValidatorKeyFile>(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The key file '{path}' is not valid JSON.", ex);
        }

        if (key is null || key.Seed is not { Length: 64 } || key.PublicKey is null)
        {
            throw new InvalidDataException($"The key file '{path}' has no 32-byte hex seed.");
        }

        byte[] seed;
        try
        {
            seed = Convert.FromHexString(key.Seed);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"The key file '{path}' has a seed that is not hex.", ex);
        }

        if (!string.Equals(Convert.ToHexStringLower(Ed25519.GetPublicKey(seed)), key.PublicKey, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The key file '{path}' is damaged: its public key does not match its seed.");
        }

        return key;
    }

    /// <summary>Writes the key file (creating its directory), readable by the owner only where supported.</summary>
    /// <param name="path">The file.</param>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, Indented));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
