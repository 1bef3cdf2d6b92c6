using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>Why a mnemonic is not valid BIP-39.</summary>
public enum MnemonicError
{
    /// <summary>The number of words is not 12, 15, 18, 21 or 24.</summary>
    InvalidWordCount,

    /// <summary>A word is not in the BIP-39 English word list.</summary>
    UnknownWord,

    /// <summary>Every word is known, but the checksum bits do not match (a word is wrong or out of order).</summary>
    InvalidChecksum,
}

/// <summary>A mnemonic phrase is not valid BIP-39 (English word list).</summary>
/// <remarks>Never transient.</remarks>
public sealed class InvalidMnemonicException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why the mnemonic is invalid.</param>
    /// <param name="wordIndex">The zero-based position of the offending word for <see cref="MnemonicError.UnknownWord"/>; otherwise -1.</param>
    public InvalidMnemonicException(MnemonicError error, int wordIndex = -1)
        : base(ExceptionMessages.InvalidMnemonic(Describe(error, wordIndex)))
    {
        Error = error;
        WordIndex = wordIndex;
    }

    /// <summary>Why the mnemonic is invalid.</summary>
    public MnemonicError Error { get; }

    /// <summary>The zero-based position of the unknown word, or -1.</summary>
    public int WordIndex { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;

    // The word itself is never put in the message: it is part of a secret.
    private static string Describe(MnemonicError error, int wordIndex) => error switch
    {
        MnemonicError.InvalidWordCount => "it must have 12, 15, 18, 21 or 24 words",
        MnemonicError.UnknownWord => $"word {wordIndex + 1} is not in the word list",
        MnemonicError.InvalidChecksum => "the checksum does not match (a word is wrong or out of order)",
        _ => error.ToString(),
    };
}
