using Phoenix.Protocol.Crypto;

namespace Phoenix.Protocol.Tests.Crypto;

public class Ed25519Tests
{
    // RFC 8032 §7.1 TEST 1.
    private static readonly byte[] Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static readonly byte[] Public = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static readonly byte[] Signature = Convert.FromHexString(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    [Fact]
    public void Rfc8032Test1_SignAndVerify_MatchesVector()
    {
        Assert.Equal(Public, Ed25519.GetPublicKey(Seed));
        Assert.Equal(Signature, Ed25519.Sign(Seed, []));
        Assert.True(Ed25519.Verify(Public, [], Signature));
    }

    [Theory]
    [InlineData(31, 64)]
    [InlineData(32, 63)]
    [InlineData(0, 0)]
    public void Verify_WrongLengths_ReturnsFalse(int keyLength, int signatureLength)
    {
        Assert.False(Ed25519.Verify(new byte[keyLength], [], new byte[signatureLength]));
    }
}
