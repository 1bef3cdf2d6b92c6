using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tests.Wallets;

public class DerivationPathTests
{
    [Fact]
    public void ForAccount_Defaults_IsPhoenixBip44Path()
    {
        Assert.Equal("m/44'/7447'/0'/0'/0'", DerivationPath.ForAccount().ToString());
        Assert.Equal("m/44'/7447'/3'/0'/9'", DerivationPath.ForAccount(3, 9).ToString());
    }

    [Theory]
    [InlineData("m/44h/7447H/0'/0'/0'", "m/44'/7447'/0'/0'/0'")]
    [InlineData("m", "m")]
    [InlineData("m/2147483647'", "m/2147483647'")]
    public void Parse_HardenedMarkers_RoundTripsToCanonical(string text, string canonical)
    {
        var path = DerivationPath.Parse(text);
        Assert.Equal(canonical, path.ToString());
        Assert.Equal(path, DerivationPath.Parse(canonical));
        Assert.All(path.Indices, i => Assert.True(i >= DerivationPath.HardenedOffset));
    }

    [Theory]
    [InlineData("m/44'/0")]
    [InlineData("44'/0'")]
    [InlineData("m/")]
    [InlineData("m/2147483648'")]
    [InlineData("m/-1'")]
    [InlineData("m/x'")]
    public void Parse_NonHardenedOrMalformed_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => DerivationPath.Parse(text));
    }

    [Fact]
    public void ForAccount_IndexAtHardenedOffset_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DerivationPath.ForAccount(DerivationPath.HardenedOffset));
        Assert.Throws<ArgumentOutOfRangeException>(() => DerivationPath.ForAccount(0, DerivationPath.HardenedOffset));
    }

    [Property]
    public Property Parse_FormattedPathOfAnyHardenedIndices_RoundTrips(uint[] levels)
    {
        var text = "m" + string.Concat(levels.Select(l => "/" + (l & 0x7FFF_FFFF) + "'"));
        var path = DerivationPath.Parse(text);
        return (path.ToString() == text && path.Indices.SequenceEqual(levels.Select(l => l | DerivationPath.HardenedOffset))).ToProperty();
    }
}
