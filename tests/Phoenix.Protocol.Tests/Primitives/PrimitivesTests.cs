using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Primitives;

public class PrimitivesTests
{
    [Fact]
    public void Address_FromPublicKey_IsFirst20BytesOfSha256()
    {
        var key = TestKeys.Alice.PublicKey;
        var expected = System.Security.Cryptography.SHA256.HashData(key.ToArray())[..20];
        Assert.Equal(expected, key.Address.ToArray());
    }

    [Fact]
    public void Address_Bech32_RoundTripsWithPhxPrefix()
    {
        var address = TestKeys.Bob.Address;
        var text = address.ToString();
        Assert.StartsWith("phx1", text, StringComparison.Ordinal);
        Assert.Equal(address, Address.Parse(text, null));
        Assert.Equal(address, Address.Parse(text.ToUpperInvariant(), null));
    }

    [Fact]
    public void Address_Bip173Checksum_MatchesReferenceEncoder()
    {
        // BIP-173 test vector: "a12uel5l" is valid (empty data); our decoder must accept its checksum logic.
        Assert.NotNull(Phoenix.Protocol.Internal.Bech32.Decode("a12uel5l"));
        Assert.NotNull(Phoenix.Protocol.Internal.Bech32.Decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        Assert.Null(Phoenix.Protocol.Internal.Bech32.Decode("A12uEL5L")); // mixed case
        Assert.Null(Phoenix.Protocol.Internal.Bech32.Decode("a12uel5m")); // bad checksum
    }

    [Theory]
    [InlineData("")]
    [InlineData("phx1")]
    [InlineData("cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu")]
    public void Address_TryParse_Invalid_ReturnsFalse(string text) => Assert.False(Address.TryParse(text, null, out _));

    [Fact]
    public void Address_TryParse_WrongPrefixOrFlippedChar_ReturnsFalse()
    {
        var text = TestKeys.Carol.Address.ToString();
        var flipped = text[..^1] + (text[^1] == 'q' ? 'p' : 'q');
        Assert.False(Address.TryParse(flipped, null, out _));
        var other = Phoenix.Protocol.Internal.Bech32.Encode("abc", TestKeys.Carol.Address.ToArray());
        Assert.False(Address.TryParse(other, null, out _));
    }

    [Fact]
    public void Amount_Add_Overflow_IsTypedFailure()
    {
        var max = new Amount(UInt128.MaxValue, Denom.Spark);
        Assert.False(max.TryAdd(new Amount(1, Denom.Spark), out _));
        Assert.Throws<OverflowException>(() => max + new Amount(1, Denom.Spark));
        Assert.False(new Amount(1, Denom.Spark).TrySubtract(new Amount(2, Denom.Spark), out _));
        Assert.Throws<ArgumentException>(() => new Amount(1, Denom.Spark) + new Amount(1, Denom.Phnx));
    }

    [Theory]
    [InlineData("0uphnx", true)]
    [InlineData("123uspark", true)]
    [InlineData("340282366920938463463374607431768211455ubtask", true)]
    [InlineData("340282366920938463463374607431768211456ubtask", false)]
    [InlineData("0123uphnx", false)]
    [InlineData("-1uphnx", false)]
    [InlineData("12 uphnx", false)]
    [InlineData("12PHNX", false)]
    [InlineData("uphnx", false)]
    public void Amount_TryParse_AcceptsOnlyCanonical(string text, bool valid)
    {
        Assert.Equal(valid, Amount.TryParse(text, null, out var amount));
        if (valid)
        {
            Assert.Equal(text, amount.ToString());
        }
    }

    [Fact]
    public void Amount_Properties_BytesAndTextRoundTrip()
    {
        Prop.ForAll<ulong, ulong, byte>((hi, lo, d) =>
        {
            var amount = new Amount(new UInt128(hi, lo), Denom.All[d % 3]);
            var bytes = new byte[Amount.EncodedLength];
            amount.TryWriteBytes(bytes);
            return new Amount(bytes) == amount && Amount.Parse(amount.ToString(), null) == amount;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Denom_BTask_IsNotTransferable()
    {
        Assert.False(Denom.BTask.IsTransferable);
        Assert.True(Denom.Phnx.IsTransferable);
        Assert.Equal("uspark", Denom.Spark.ToString());
        Assert.False(Denom.TryParse("USPARK", null, out _));
    }

    [Fact]
    public void Ratio_MultiplyFloor_IsExactForLargeValues()
    {
        var r = new Phoenix.Protocol.Parameters.Ratio(1, 3);
        Assert.Equal(UInt128.MaxValue / 3, r.MultiplyFloor(UInt128.MaxValue));
        Assert.True(r.IsReachedBy(1, 3));
        Assert.False(r.IsReachedBy(333_333, 1_000_000));
    }
}
