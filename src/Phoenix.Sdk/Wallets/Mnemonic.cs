using System.Security.Cryptography;
using NBitcoin;

namespace Phoenix.Sdk.Wallets;

/// <summary>
/// A BIP-39 mnemonic phrase (English word list): 12, 15, 18, 21 or 24 words that encode 128 to 256
/// bits of entropy plus a checksum, and from which a 64-byte seed is derived.
/// </summary>
/// <remarks>
/// <para>
/// Parsing is tolerant of case and of extra whitespace (the canonical phrase is lower case with
/// single spaces) and strict about everything else: unknown words, a wrong word count and a wrong
/// checksum are each reported with an <see cref="InvalidMnemonicException"/> saying which.
/// </para>
/// <para>
/// A mnemonic is a secret. <see cref="ToString"/> does not reveal it; call <see cref="ToPhrase"/> to
/// show it to its owner. The phrase is a managed string and cannot be wiped from memory: keep
/// instances short-lived and store keys in a <see cref="Keystore"/> instead.
/// </para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class Mnemonic
{
    private static readonly Wordlist Words = Wordlist.English;
    private readonly string[] _words;

    private Mnemonic(string[] words) => _words = words;

    /// <summary>The number of words (12, 15, 18, 21 or 24).</summary>
    public int WordCount => _words.Length;

    /// <summary>Creates a new random mnemonic from the operating system's cryptographic random generator.</summary>
    /// <param name="wordCount">12, 15, 18, 21 or 24 words (128 to 256 bits of entropy).</param>
    /// <value>The default is 24 words (256 bits).</value>
    /// <returns>The new mnemonic.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wordCount"/> is not a BIP-39 length.</exception>
    public static Mnemonic Generate(int wordCount = 24)
    {
        if (wordCount is < 12 or > 24 || wordCount % 3 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(wordCount), wordCount, "A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words.");
        }

        Span<byte> entropy = stackalloc byte[wordCount * 4 / 3];
        RandomNumberGenerator.Fill(entropy);
        try
        {
            return FromEntropy(entropy);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(entropy);
        }
    }

    /// <summary>Encodes entropy as a mnemonic (BIP-39: entropy, then the first bits of its SHA-256 as checksum).</summary>
    /// <param name="entropy">16, 20, 24, 28 or 32 bytes.</param>
    /// <returns>The mnemonic.</returns>
    /// <exception cref="ArgumentException"><paramref name="entropy"/> has an unsupported length.</exception>
    public static Mnemonic FromEntropy(ReadOnlySpan<byte> entropy)
    {
        if (entropy.Length is < 16 or > 32 || entropy.Length % 4 != 0)
        {
            throw new ArgumentException($"BIP-39 entropy is 16, 20, 24, 28 or 32 bytes; got {entropy.Length}.", nameof(entropy));
        }

        var wordCount = entropy.Length * 3 / 4;
        Span<byte> data = stackalloc byte[33]; // entropy followed by its hash's first byte (at most 8 checksum bits)
        Span<byte> hash = stackalloc byte[32];
        try
        {
            entropy.CopyTo(data);
            SHA256.HashData(entropy, hash);
            data[entropy.Length] = hash[0];
            var words = new string[wordCount];
            for (var i = 0; i < wordCount; i++)
            {
                words[i] = Words.GetWordAtIndex(ReadBits(data, i * 11, 11));
            }

            return new Mnemonic(words);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>Parses and validates a mnemonic phrase.</summary>
    /// <param name="phrase">The words, separated by whitespace (case-insensitive).</param>
    /// <returns>The mnemonic.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="phrase"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidMnemonicException">The phrase is not valid BIP-39; <see cref="InvalidMnemonicException.Error"/> says why.</exception>
    public static Mnemonic Parse(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        var (mnemonic, error, index) = TryParseCore(phrase);
        return mnemonic ?? throw new InvalidMnemonicException(error, index);
    }

    /// <summary>Parses and validates a mnemonic phrase without throwing.</summary>
    /// <param name="phrase">The words, separated by whitespace (case-insensitive).</param>
    /// <param name="mnemonic">The mnemonic, or <see langword="null"/> when the phrase is invalid.</param>
    /// <returns>Whether the phrase is valid.</returns>
    public static bool TryParse(string? phrase, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Mnemonic? mnemonic)
    {
        mnemonic = phrase is null ? null : TryParseCore(phrase).Mnemonic;
        return mnemonic is not null;
    }

    /// <summary>The phrase, in canonical form (lower case, single spaces). This reveals the secret.</summary>
    /// <returns>The phrase.</returns>
    public string ToPhrase() => string.Join(' ', _words);

    /// <summary>Describes the mnemonic without revealing it.</summary>
    /// <returns>For example "Mnemonic (24 words)".</returns>
    public override string ToString() => $"Mnemonic ({_words.Length} words)";

    /// <summary>
    /// Derives the 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512 of the NFKD-normalized phrase, salted with
    /// "mnemonic" + the NFKD-normalized passphrase, 2048 iterations.
    /// </summary>
    /// <param name="passphrase">The optional BIP-39 passphrase ("25th word"); a different passphrase gives a different, equally valid wallet.</param>
    /// <returns>The 64-byte seed. It is secret: wipe it with <see cref="CryptographicOperations.ZeroMemory"/> when done.</returns>
    /// <remarks>NFKD normalization is done by the BIP-39 implementation itself, so it is correct even
    /// when the process runs with invariant globalization.</remarks>
    public byte[] DeriveSeed(string passphrase = "")
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        return new NBitcoin.Mnemonic(ToPhrase(), Words).DeriveSeed(passphrase);
    }

    private static (Mnemonic? Mnemonic, MnemonicError Error, int Index) TryParseCore(string phrase)
    {
        var words = phrase.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length is < 12 or > 24 || words.Length % 3 != 0)
        {
            return (null, MnemonicError.InvalidWordCount, -1);
        }

        var totalBits = words.Length * 11;
        var checksumBits = totalBits / 33;
        var entropyBytes = (totalBits - checksumBits) / 8;
        Span<byte> data = stackalloc byte[33];
        Span<byte> hash = stackalloc byte[32];
        data.Clear();
        try
        {
            for (var i = 0; i < words.Length; i++)
            {
                if (!Words.WordExists(words[i], out var index))
                {
                    return (null, MnemonicError.UnknownWord, i);
                }

                WriteBits(data, i * 11, index);
            }

            SHA256.HashData(data[..entropyBytes], hash);
            var expected = hash[0] >> (8 - checksumBits);
            var actual = data[entropyBytes] >> (8 - checksumBits);
            return expected == actual ? (new Mnemonic(words), default, -1) : (null, MnemonicError.InvalidChecksum, -1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    private static int ReadBits(ReadOnlySpan<byte> data, int bitOffset, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            var bit = bitOffset + i;
            value = (value << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        }

        return value;
    }

    private static void WriteBits(Span<byte> data, int bitOffset, int value)
    {
        for (var i = 0; i < 11; i++)
        {
            if (((value >> (10 - i)) & 1) != 0)
            {
                var bit = bitOffset + i;
                data[bit >> 3] |= (byte)(0x80 >> (bit & 7));
            }
        }
    }
}
