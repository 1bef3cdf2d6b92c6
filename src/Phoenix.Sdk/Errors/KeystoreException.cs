using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>A keystore file could not be opened. See the derived types for the reason.</summary>
/// <remarks>Never transient, and never accompanied by a key: a keystore either opens to exactly the
/// key it was saved with, or throws.</remarks>
public abstract class KeystoreException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected KeystoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;
}

/// <summary>
/// The keystore is well formed, but authenticated decryption failed: the password is wrong, or a
/// protected field (KDF parameters, salt, nonce, address, public key, ciphertext, tag) was changed.
/// </summary>
/// <remarks>The two causes cannot be told apart by design (the cipher is authenticated).</remarks>
public sealed class KeystoreDecryptionException : KeystoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="innerException">The underlying cryptographic failure, if any.</param>
    public KeystoreDecryptionException(Exception? innerException = null)
        : base(ExceptionMessages.KeystoreDecryption(), innerException)
    {
    }
}

/// <summary>
/// The keystore file is not a valid Phoenix keystore: not JSON, truncated, a missing or malformed
/// field, out-of-range KDF parameters, an unsupported version.
/// </summary>
public sealed class KeystoreFormatException : KeystoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What is wrong with the file.</param>
    /// <param name="innerException">The underlying parse failure, if any.</param>
    public KeystoreFormatException(string reason, Exception? innerException = null)
        : base(ExceptionMessages.KeystoreFormat(reason), innerException)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception for an unsupported version.</summary>
    /// <param name="version">The version found in the file.</param>
    /// <param name="supportedVersion">The version this SDK reads.</param>
    public KeystoreFormatException(int version, int supportedVersion)
        : base(ExceptionMessages.KeystoreVersion(version, supportedVersion))
    {
        Reason = "unsupported version";
        UnsupportedVersion = version;
    }

    /// <summary>What is wrong with the file.</summary>
    public string Reason { get; }

    /// <summary>The version found in the file when it is not supported; otherwise <see langword="null"/>.</summary>
    public int? UnsupportedVersion { get; }
}
