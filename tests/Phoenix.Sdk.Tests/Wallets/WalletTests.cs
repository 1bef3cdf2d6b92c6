using System.Security.Cryptography;
using Phoenix.Protocol.Crypto;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tests.Wallets;

public class WalletTests
{
    private static readonly Mnemonic Abandon = Mnemonic.Parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");

    [Fact]
    public void FromMnemonic_DefaultPath_IsSlip10KeyAtPhoenixPathOfBip39Seed()
    {
        using var wallet = Wallet.FromMnemonic(Abandon);
        var seed = Abandon.DeriveSeed();
        var key = new byte[32];
        Slip10Ed25519.DerivePath(seed, DerivationPath.Parse("m/44'/7447'/0'/0'/0'"), key, new byte[32]);
        Assert.Equal(Ed25519.GetPublicKey(key), wallet.PublicKey.ToArray());
        Assert.Equal("m/44'/7447'/0'/0'/0'", wallet.DerivationPath!.ToString());
    }

    [Fact]
    public void FromMnemonic_DifferentIndexAccountOrPassphrase_GivesDifferentKeys()
    {
        using var a = Wallet.FromMnemonic(Abandon);
        using var b = Wallet.FromMnemonic(Abandon, index: 1);
        using var c = Wallet.FromMnemonic(Abandon, account: 1);
        using var d = Wallet.FromMnemonic(Abandon, "TREZOR");
        var keys = new[] { a, b, c, d }.Select(w => Convert.ToHexString(w.PublicKey.Span)).ToHashSet();
        Assert.Equal(4, keys.Count);
    }

    [Fact]
    public void AddressBytes_AnyWallet_AreFirst20BytesOfSha256OfPublicKey()
    {
        using var wallet = Wallet.FromPrivateKey(Enumerable.Repeat((byte)0x01, 32).ToArray());
        var expected = SHA256.HashData(wallet.PublicKey.Span)[..20];
        Assert.Equal(expected, wallet.AddressBytes.ToArray());
        Assert.Equal(expected, Wallet.ComputeAddressBytes(wallet.PublicKey.Span));
        Assert.Contains(Convert.ToHexStringLower(expected), wallet.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromPrivateKey_Rfc8032Test1Key_HasRfcPublicKeyAndSignsVerifiably()
    {
        // RFC 8032 section 7.1, TEST 1.
        var secret = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var wallet = Wallet.FromPrivateKey(secret);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(wallet.PublicKey.Span));
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(wallet.Sign([])));
        var message = "phoenix"u8.ToArray();
        Assert.True(Ed25519.Verify(wallet.PublicKey.Span, message, wallet.Sign(message)));
    }

    [Fact]
    public void Dispose_AfterUse_WipesSecretAndSignThrows()
    {
        var wallet = Wallet.CreateRandom();
        Assert.False(wallet.IsSecretWiped());
        var publicKey = wallet.PublicKey.ToArray();
        wallet.Dispose();
        wallet.Dispose();
        Assert.True(wallet.IsSecretWiped());
        Assert.Throws<ObjectDisposedException>(() => wallet.Sign([1, 2, 3]));
        Assert.Equal(publicKey, wallet.PublicKey.ToArray());
    }

    [Fact]
    public void FromPrivateKey_WrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Wallet.FromPrivateKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => Wallet.ComputeAddressBytes(new byte[33]));
    }

    [Fact]
    public async Task Sign_ConcurrentCallers_AllSignaturesVerify()
    {
        using var wallet = Wallet.CreateRandom();
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            var message = BitConverter.GetBytes(i);
            return Ed25519.Verify(wallet.PublicKey.Span, message, wallet.Sign(message));
        })));
        Assert.All(results, Assert.True);
    }
}
