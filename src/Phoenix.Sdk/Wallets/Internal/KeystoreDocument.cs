using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Phoenix.Sdk.Wallets.Internal;

/// <summary>The parsed fields of a version-1 keystore file, and its strict reader and writer.</summary>
internal sealed class KeystoreDocument
{
    public const string FormatName = "phoenix-keystore";
    public const int CurrentVersion = 1;
    public const string KdfName = "argon2id";
    public const int Argon2Version = 0x13;
    public const string CipherName = "aes-256-gcm";
    public const int SaltSize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int KeySize = 32;
    public const int MaxFileBytes = 64 * 1024;

    public required byte[] Address { get; init; }
    public required byte[] PublicKey { get; init; }
    public required string? Path { get; init; }
    public required int MemoryKiB { get; init; }
    public required int Iterations { get; init; }
    public required int Parallelism { get; init; }
    public required byte[] Salt { get; init; }
    public required byte[] Nonce { get; init; }
    public required byte[] Ciphertext { get; init; }
    public required byte[] Tag { get; init; }

    /// <summary>
    /// The associated data of the AEAD: every header field in a canonical, unambiguous text form, so
    /// changing any of them (KDF parameters, salt, nonce, address, public key, path) fails decryption.
    /// </summary>
    public byte[] AssociatedData() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{FormatName}\nversion={CurrentVersion}\naddress={Hex(Address)}\npublicKey={Hex(PublicKey)}\npath={Path ?? "-"}\nkdf={KdfName};v={Argon2Version};m={MemoryKiB};t={Iterations};p={Parallelism};salt={Hex(Salt)}\ncipher={CipherName};nonce={Hex(Nonce)}\n"));

    public byte[] ToUtf8Json()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", CurrentVersion);
            w.WriteString("address", Hex(Address));
            w.WriteString("publicKey", Hex(PublicKey));
            if (Path is null)
            {
                w.WriteNull("path");
            }
            else
            {
                w.WriteString("path", Path);
            }

            w.WriteStartObject("kdf");
            w.WriteString("name", KdfName);
            w.WriteNumber("version", Argon2Version);
            w.WriteNumber("memoryKiB", MemoryKiB);
            w.WriteNumber("iterations", Iterations);
            w.WriteNumber("parallelism", Parallelism);
            w.WriteString("salt", Hex(Salt));
            w.WriteEndObject();
            w.WriteStartObject("cipher");
            w.WriteString("name", CipherName);
            w.WriteString("nonce", Hex(Nonce));
            w.WriteString("ciphertext", Hex(Ciphertext));
            w.WriteString("tag", Hex(Tag));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses a keystore strictly: every field present, typed and sized; no unknown fields.</summary>
    public static KeystoreDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxFileBytes)
        {
            throw new KeystoreFormatException($"the file is larger than {MaxFileBytes} bytes");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new KeystoreFormatException("it is not valid JSON (truncated or corrupted?)", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new KeystoreFormatException("the top level is not a JSON object");
            }

            // The version decides how the rest is read, so it is checked first.
            var version = GetInt(root, "version", 0, int.MaxValue);
            if (version != CurrentVersion)
            {
                throw new KeystoreFormatException(version, CurrentVersion);
            }

            ExpectOnly(root, "", "format", "version", "address", "publicKey", "path", "kdf", "cipher");
            ExpectString(root, "format", FormatName);

            var kdf = GetObject(root, "kdf");
            ExpectOnly(kdf, "kdf.", "name", "version", "memoryKiB", "iterations", "parallelism", "salt");
            ExpectString(kdf, "name", KdfName);
            if (GetInt(kdf, "version", 0, int.MaxValue) != Argon2Version)
            {
                throw new KeystoreFormatException("kdf.version must be 19 (Argon2 1.3)");
            }

            var parallelism = GetInt(kdf, "parallelism", 1, KeystoreOptions.MaxParallelism);
            var cipher = GetObject(root, "cipher");
            ExpectOnly(cipher, "cipher.", "name", "nonce", "ciphertext", "tag");
            ExpectString(cipher, "name", CipherName);

            var path = root.GetProperty("path");
            string? pathText = path.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => path.GetString(),
                _ => throw new KeystoreFormatException("path must be a string or null"),
            };
            if (pathText is not null)
            {
                try
                {
                    pathText = DerivationPath.Parse(pathText).ToString();
                }
                catch (FormatException e)
                {
                    throw new KeystoreFormatException("path is not a valid derivation path", e);
                }
            }

            return new KeystoreDocument
            {
                Address = GetHex(root, "address", Wallet.AddressSize, Wallet.AddressSize),
                PublicKey = GetHex(root, "publicKey", 32, 32),
                Path = pathText,
                MemoryKiB = GetInt(kdf, "memoryKiB", KeystoreOptions.MinMemoryKiB * parallelism, KeystoreOptions.MaxMemoryKiB),
                Iterations = GetInt(kdf, "iterations", 1, KeystoreOptions.MaxIterations),
                Parallelism = parallelism,
                Salt = GetHex(kdf, "salt", 16, 64),
                Nonce = GetHex(cipher, "nonce", NonceSize, NonceSize),
                Ciphertext = GetHex(cipher, "ciphertext", KeySize, KeySize),
                Tag = GetHex(cipher, "tag", TagSize, TagSize),
            };
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static void ExpectOnly(JsonElement obj, string prefix, params string[] names)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new KeystoreFormatException($"unknown field '{prefix}{property.Name}'");
            }
        }

        foreach (var name in names)
        {
            if (!obj.TryGetProperty(name, out _))
            {
                throw new KeystoreFormatException($"missing field '{prefix}{name}'");
            }
        }
    }

    private static JsonElement GetObject(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new KeystoreFormatException($"field '{name}' must be an object");
        }

        return value;
    }

    private static void ExpectString(JsonElement obj, string name, string expected)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() != expected)
        {
            throw new KeystoreFormatException($"field '{name}' must be \"{expected}\"");
        }
    }

    private static int GetInt(JsonElement obj, string name, int min, int max)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new KeystoreFormatException($"field '{name}' must be an integer");
        }

        if (number < min || number > max)
        {
            throw new KeystoreFormatException(string.Create(CultureInfo.InvariantCulture, $"field '{name}' is {number}, outside [{min}, {max}]"));
        }

        return number;
    }

    private static byte[] GetHex(JsonElement obj, string name, int minBytes, int maxBytes)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new KeystoreFormatException($"field '{name}' must be a hex string");
        }

        var text = value.GetString()!;
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException e)
        {
            throw new KeystoreFormatException($"field '{name}' is not valid hexadecimal", e);
        }

        if (bytes.Length < minBytes || bytes.Length > maxBytes)
        {
            throw new KeystoreFormatException(string.Create(CultureInfo.InvariantCulture, $"field '{name}' is {bytes.Length} bytes; expected {minBytes}..{maxBytes}"));
        }

        return bytes;
    }
}
