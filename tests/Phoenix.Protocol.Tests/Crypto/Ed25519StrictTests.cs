using Phoenix.Protocol.Crypto;

namespace Phoenix.Protocol.Tests.Crypto;

public class Ed25519StrictTests
{
    // RFC 8032 §7.1 TEST 2 and TEST 3.
    [Theory]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void SignAndVerify_Rfc8032Vectors_MatchBytes(string seed, string pub, string msg, string sig)
    {
        var seedBytes = Convert.FromHexString(seed);
        Assert.Equal(Convert.FromHexString(pub), Ed25519.GetPublicKey(seedBytes));
        Assert.Equal(Convert.FromHexString(sig), Ed25519.Sign(seedBytes, Convert.FromHexString(msg)));
        Assert.True(Ed25519.Verify(Convert.FromHexString(pub), Convert.FromHexString(msg), Convert.FromHexString(sig)));
    }

    private static (byte[] Pub, byte[] Msg, byte[] Sig) Valid()
    {
        var seed = Enumerable.Repeat((byte)7, 32).ToArray();
        var msg = "phoenix"u8.ToArray();
        return (Ed25519.GetPublicKey(seed), msg, Ed25519.Sign(seed, msg));
    }

    [Fact]
    public void Verify_SPlusL_ReturnsFalse()
    {
        var (pub, msg, sig) = Valid();
        // S + L (malleated): add L to the little-endian scalar.
        ReadOnlySpan<byte> l = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
        var carry = 0;
        for (var i = 0; i < 32; i++)
        {
            var sum = sig[32 + i] + l[i] + carry;
            sig[32 + i] = (byte)sum;
            carry = sum >> 8;
        }

        Assert.False(Ed25519.Verify(pub, msg, sig));
    }

    [Fact]
    public void Verify_ValidSignature_ReturnsTrueAndFlippedBitsReturnFalse()
    {
        var (pub, msg, sig) = Valid();
        Assert.True(Ed25519.Verify(pub, msg, sig));
        for (var bit = 0; bit < 512; bit += 37)
        {
            var bad = (byte[])sig.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Ed25519.Verify(pub, msg, bad));
        }

        Assert.False(Ed25519.Verify(pub, "phoenix!"u8, sig));
    }

    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")] // identity
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // order 2
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")] // order 4
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")] // order 4, other x
    [InlineData("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")] // order 8
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")] // order 8
    public void Verify_SmallOrderPublicKeyOrR_ReturnsFalse(string point)
    {
        var (pub, msg, sig) = Valid();
        var p = Convert.FromHexString(point);
        Assert.True(Ed25519.HasSmallOrder(p));
        Assert.False(Ed25519.Verify(p, msg, sig));
        var withR = (byte[])sig.Clone();
        p.CopyTo(withR, 0);
        Assert.False(Ed25519.Verify(pub, msg, withR));
        // With S = 0 and a small-order A and R, the cofactorless equation holds: the pre-check must reject it.
        var zeroS = new byte[64];
        p.CopyTo(zeroS, 0);
        Assert.False(Ed25519.Verify(p, msg, zeroS));
    }

    [Theory]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // y = p
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // y = p + 1
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // y = 2^255 - 1, sign set
    [InlineData("0100000000000000000000000000000000000000000000000000000000000080")] // y = 1, x = -0
    public void Verify_NonCanonicalPointEncoding_ReturnsFalse(string point)
    {
        var (pub, msg, sig) = Valid();
        var p = Convert.FromHexString(point);
        Assert.False(Ed25519.IsCanonicalPoint(p));
        Assert.False(Ed25519.Verify(p, msg, sig));
        var withR = (byte[])sig.Clone();
        p.CopyTo(withR, 0);
        Assert.False(Ed25519.Verify(pub, msg, withR));
    }

    [Fact]
    public void IsCanonicalPoint_ValidKey_ReturnsTrue()
    {
        var (pub, _, sig) = Valid();
        Assert.True(Ed25519.IsCanonicalPoint(pub));
        Assert.True(Ed25519.IsCanonicalPoint(sig.AsSpan(0, 32)));
        Assert.False(Ed25519.HasSmallOrder(pub));
    }
}
