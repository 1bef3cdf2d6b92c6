using System.Text;
using System.Text.Json.Nodes;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tests.Wallets;

public sealed class KeystoreTests : IDisposable
{
    // Cheap KDF cost for tests only; the defaults (64 MiB) are asserted separately.
    private static readonly KeystoreOptions Cheap = new() { MemoryKiB = 64, Iterations = 1, Parallelism = 1 };
    private const string Password = "correct horse battery staple";
    private static readonly Mnemonic Abandon = Mnemonic.Parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "phx-keystore-" + Guid.NewGuid().ToString("N"));

    public KeystoreTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Decrypt_RightPassword_ReturnsSameKeyAndPath()
    {
        using var wallet = Wallet.FromMnemonic(Abandon, index: 7);
        var json = Keystore.Encrypt(wallet, Password, Cheap);
        using var restored = Keystore.Decrypt(json, Password);
        Assert.Equal(wallet.PublicKey.ToArray(), restored.PublicKey.ToArray());
        Assert.Equal(wallet.AddressBytes.ToArray(), restored.AddressBytes.ToArray());
        Assert.Equal(wallet.DerivationPath, restored.DerivationPath);
        Assert.Equal(wallet.Sign("m"u8), restored.Sign("m"u8));
    }

    [Fact]
    public void Encrypt_SameWalletTwice_UsesFreshSaltAndNonceAndHidesKey()
    {
        var secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var wallet = Wallet.FromPrivateKey(secret);
        var a = JsonNode.Parse(Keystore.Encrypt(wallet, Password, Cheap))!;
        var b = JsonNode.Parse(Keystore.Encrypt(wallet, Password, Cheap))!;
        Assert.NotEqual((string?)a["kdf"]!["salt"], (string?)b["kdf"]!["salt"]);
        Assert.NotEqual((string?)a["cipher"]!["nonce"], (string?)b["cipher"]!["nonce"]);
        Assert.DoesNotContain(Convert.ToHexStringLower(secret), a.ToJsonString(), StringComparison.Ordinal);
        Assert.Null((string?)a["path"]);
        Assert.Equal(Convert.ToHexStringLower(wallet.AddressBytes.Span), (string?)a["address"]);
    }

    [Fact]
    public void Decrypt_WrongPassword_ThrowsDecryptionException()
    {
        using var wallet = Wallet.CreateRandom();
        var json = Keystore.Encrypt(wallet, Password, Cheap);
        var e = Assert.Throws<KeystoreDecryptionException>(() => Keystore.Decrypt(json, Password + "!"));
        Assert.False(e.IsTransient);
        Assert.Contains("password", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("address", null)]
    [InlineData("publicKey", null)]
    [InlineData("path", null)]
    [InlineData("kdf", "salt")]
    [InlineData("kdf", "memoryKiB")]
    [InlineData("kdf", "iterations")]
    [InlineData("kdf", "parallelism")]
    [InlineData("cipher", "nonce")]
    [InlineData("cipher", "ciphertext")]
    [InlineData("cipher", "tag")]
    public void Decrypt_TamperedField_ThrowsDecryptionException(string field, string? subField)
    {
        using var wallet = Wallet.FromMnemonic(Abandon);
        var node = JsonNode.Parse(Keystore.Encrypt(wallet, Password, Cheap))!.AsObject();
        var parent = subField is null ? node : node[field]!.AsObject();
        var name = subField ?? field;
        parent[name] = parent[name]!.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => JsonValue.Create((int)parent[name]! + 1),
            _ when name == "path" => JsonValue.Create("m/44'/7447'/0'/0'/1'"),
            _ => JsonValue.Create(FlipFirstHexDigit((string)parent[name]!)),
        };
        Assert.Throws<KeystoreDecryptionException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(node.ToJsonString()), Password));
    }

    [Fact]
    public void Decrypt_AnySingleByteFlipped_ThrowsKeystoreExceptionNeverAWallet()
    {
        using var wallet = Wallet.FromMnemonic(Abandon);
        var json = Keystore.Encrypt(wallet, Password, Cheap);
        for (var i = 0; i < json.Length; i++)
        {
            var copy = (byte[])json.Clone();
            copy[i] ^= 0x01;
            var e = Record.Exception(() => Keystore.Decrypt(copy, Password).Dispose());
            Assert.True(e is KeystoreException, $"Flipping byte {i} ('{(char)json[i]}') gave {e?.GetType().Name ?? "a wallet"}, expected a KeystoreException.");
        }
    }

    [Fact]
    public void Decrypt_TruncatedFile_ThrowsFormatException()
    {
        using var wallet = Wallet.CreateRandom();
        var json = Keystore.Encrypt(wallet, Password, Cheap);
        foreach (var length in new[] { 0, 1, 10, json.Length / 2, json.Length - 3 })
        {
            Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(json.AsSpan(0, length), Password));
        }
    }

    [Fact]
    public void Decrypt_UnsupportedVersion_ThrowsFormatExceptionNamingVersion()
    {
        using var wallet = Wallet.CreateRandom();
        var node = JsonNode.Parse(Keystore.Encrypt(wallet, Password, Cheap))!;
        node["version"] = 2;
        var e = Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(node.ToJsonString()), Password));
        Assert.Equal(2, e.UnsupportedVersion);
        Assert.Contains("Upgrade", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":1}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    public void Decrypt_NotAKeystore_ThrowsFormatException(string text)
    {
        Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(text), Password));
    }

    [Fact]
    public void Decrypt_UnknownFieldOrHugeMemoryCost_ThrowsFormatException()
    {
        using var wallet = Wallet.CreateRandom();
        var json = Keystore.Encrypt(wallet, Password, Cheap);
        var extra = JsonNode.Parse(json)!;
        extra["note"] = "hi";
        Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(extra.ToJsonString()), Password));
        var huge = JsonNode.Parse(json)!;
        huge["kdf"]!["memoryKiB"] = KeystoreOptions.MaxMemoryKiB + 1;
        Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(huge.ToJsonString()), Password));
    }

    [Fact]
    public void Decrypt_DuplicateField_ThrowsFormatException()
    {
        using var wallet = Wallet.CreateRandom();
        var text = Encoding.UTF8.GetString(Keystore.Encrypt(wallet, Password, Cheap));
        var duplicated = text.Replace("\"format\"", "\"address\": \"00\", \"format\"", StringComparison.Ordinal);
        Assert.Throws<KeystoreFormatException>(() => Keystore.Decrypt(Encoding.UTF8.GetBytes(duplicated), Password));
    }

    [Fact]
    public void KeystoreOptions_Defaults_AreAtLeast64MiBAndValid()
    {
        var options = new KeystoreOptions();
        Assert.True(options.MemoryKiB >= 64 * 1024);
        Assert.True(options.Iterations >= 1);
        options.Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeystoreOptions { MemoryKiB = 4 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeystoreOptions { Iterations = 0 }.Validate());
    }

    [Fact]
    public void Encrypt_EmptyPassword_Throws()
    {
        using var wallet = Wallet.CreateRandom();
        Assert.Throws<ArgumentException>(() => Keystore.Encrypt(wallet, "", Cheap));
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_RoundTripsWithOwnerOnlyPermissionsAndNoTempFiles()
    {
        using var wallet = Wallet.FromMnemonic(Abandon);
        var path = Path.Combine(_dir, "key.json");
        await Keystore.SaveAsync(wallet, path, Password, Cheap);
        using var loaded = await Keystore.LoadAsync(path, Password);
        Assert.Equal(wallet.PublicKey.ToArray(), loaded.PublicKey.ToArray());
        Assert.Equal(["key.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task SaveAsync_ExistingFileWithoutOverwrite_ThrowsAndKeepsOriginal()
    {
        using var first = Wallet.CreateRandom();
        using var second = Wallet.CreateRandom();
        var path = Path.Combine(_dir, "key.json");
        await Keystore.SaveAsync(first, path, Password, Cheap);
        var original = await File.ReadAllBytesAsync(path);
        await Assert.ThrowsAsync<IOException>(() => Keystore.SaveAsync(second, path, Password, Cheap));
        Assert.Equal(original, await File.ReadAllBytesAsync(path));

        await Keystore.SaveAsync(second, path, Password, Cheap, overwrite: true);
        using var loaded = await Keystore.LoadAsync(path, Password);
        Assert.Equal(second.PublicKey.ToArray(), loaded.PublicKey.ToArray());
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task SaveAsync_Cancelled_LeavesNoFile()
    {
        using var wallet = Wallet.CreateRandom();
        var path = Path.Combine(_dir, "key.json");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Keystore.SaveAsync(wallet, path, Password, Cheap, cancellationToken: cts.Token));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    private static string FlipFirstHexDigit(string hex) => (hex[0] == '0' ? '1' : '0') + hex[1..];
}
