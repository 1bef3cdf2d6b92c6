using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tests.Wallets;

public class MnemonicTests
{
    // Official BIP-39 test vectors: trezor/python-mnemonic, vectors.json, "english" section
    // (https://github.com/trezor/python-mnemonic/blob/master/vectors.json). Every seed uses the
    // passphrase "TREZOR". Columns: entropy, mnemonic, seed.
    public static TheoryData<string, string, string> TrezorVectors => new()
    {
        {
            "00000000000000000000000000000000",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
        },
        {
            "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
            "legal winner thank year wave sausage worth useful legal winner thank yellow",
            "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607"
        },
        {
            "80808080808080808080808080808080",
            "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
            "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8"
        },
        {
            "ffffffffffffffffffffffffffffffff",
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
            "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069"
        },
        {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
            "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8"
        },
        {
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
            "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad"
        },
        {
            "68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
            "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
            "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440"
        },
    };

    [Theory]
    [MemberData(nameof(TrezorVectors))]
    public void FromEntropy_TrezorVector_ProducesOfficialPhrase(string entropy, string phrase, string seed)
    {
        _ = seed;
        Assert.Equal(phrase, Mnemonic.FromEntropy(Convert.FromHexString(entropy)).ToPhrase());
    }

    [Theory]
    [MemberData(nameof(TrezorVectors))]
    public void DeriveSeed_TrezorVectorWithPassphraseTrezor_ProducesOfficialSeed(string entropy, string phrase, string seed)
    {
        _ = entropy;
        Assert.Equal(seed, Convert.ToHexStringLower(Mnemonic.Parse(phrase).DeriveSeed("TREZOR")));
    }

    [Fact]
    public void Parse_ExtraWhitespaceAndUpperCase_IsCanonicalized()
    {
        var m = Mnemonic.Parse("  ABANDON abandon\tabandon abandon abandon abandon abandon abandon abandon abandon abandon   About \n");
        Assert.Equal("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", m.ToPhrase());
        Assert.Equal(12, m.WordCount);
    }

    [Fact]
    public void Parse_BadChecksum_ThrowsInvalidChecksum()
    {
        var e = Assert.Throws<InvalidMnemonicException>(() => Mnemonic.Parse(string.Join(' ', Enumerable.Repeat("abandon", 12))));
        Assert.Equal(MnemonicError.InvalidChecksum, e.Error);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public void Parse_UnknownWord_ThrowsUnknownWordWithPositionButNotTheWord()
    {
        var e = Assert.Throws<InvalidMnemonicException>(() =>
            Mnemonic.Parse("abandon abandon abandon abandon abandon zzzsecret abandon abandon abandon abandon abandon about"));
        Assert.Equal(MnemonicError.UnknownWord, e.Error);
        Assert.Equal(5, e.WordIndex);
        Assert.DoesNotContain("zzzsecret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(27)]
    public void Parse_WrongWordCount_ThrowsInvalidWordCount(int count)
    {
        var e = Assert.Throws<InvalidMnemonicException>(() => Mnemonic.Parse(string.Join(' ', Enumerable.Repeat("zoo", count))));
        Assert.Equal(MnemonicError.InvalidWordCount, e.Error);
        Assert.False(Mnemonic.TryParse(string.Join(' ', Enumerable.Repeat("zoo", count)), out _));
    }

    [Fact]
    public void Parse_SwappedWords_FailsChecksum()
    {
        // Swapping two different words of a valid phrase keeps every word known but breaks the checksum.
        var words = "legal winner thank year wave sausage worth useful legal winner thank yellow".Split(' ');
        (words[0], words[1]) = (words[1], words[0]);
        Assert.False(Mnemonic.TryParse(string.Join(' ', words), out _));
    }

    [Fact]
    public void ToString_DoesNotRevealWords()
    {
        var m = Mnemonic.Parse("legal winner thank year wave sausage worth useful legal winner thank yellow");
        Assert.DoesNotContain("legal", m.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(15)]
    [InlineData(18)]
    [InlineData(21)]
    [InlineData(24)]
    public void Generate_ValidLength_ProducesParsablePhrase(int words)
    {
        var m = Mnemonic.Generate(words);
        Assert.Equal(words, m.WordCount);
        Assert.Equal(m.ToPhrase(), Mnemonic.Parse(m.ToPhrase()).ToPhrase());
    }

    [Fact]
    public void Generate_TwoCalls_DiffersAndInvalidLengthThrows()
    {
        Assert.NotEqual(Mnemonic.Generate().ToPhrase(), Mnemonic.Generate().ToPhrase());
        Assert.Throws<ArgumentOutOfRangeException>(() => Mnemonic.Generate(13));
        Assert.Throws<ArgumentException>(() => Mnemonic.FromEntropy(new byte[15]));
    }

    [Fact]
    public void DeriveSeed_ComposedAndDecomposedPassphrase_AreEqualUnderNfkd()
    {
        var m = Mnemonic.Parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
        Assert.Equal(m.DeriveSeed("caf\u00e9"), m.DeriveSeed("cafe\u0301"));
        Assert.NotEqual(m.DeriveSeed("cafe"), m.DeriveSeed("caf\u00e9"));
    }

    [Property(MaxTest = 50)]
    public Property FromEntropy_AnyValidEntropy_ParsesBackToSamePhrase(byte[] bytes, PositiveInt lengthChoice)
    {
        var length = 16 + (lengthChoice.Get % 5 * 4);
        var entropy = new byte[length];
        bytes.AsSpan(0, Math.Min(bytes.Length, length)).CopyTo(entropy);
        var phrase = Mnemonic.FromEntropy(entropy).ToPhrase();
        return (Mnemonic.TryParse(phrase, out var parsed) && parsed.ToPhrase() == phrase).ToProperty();
    }
}
