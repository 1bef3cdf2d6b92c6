using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Phoenix.Protocol.Crypto;
using Phoenix.Sdk.Wallets.Internal;

namespace Phoenix.Sdk.Wallets;

/// <summary>
/// An encrypted, versioned JSON file that holds one wallet's private key under a password.
/// </summary>
/// <remarks>
/// <para>
/// Format version 1 (see docs/sdk-wallets.md): the key is derived from the password with Argon2id
/// (RFC 9106; cost in <see cref="KeystoreOptions"/>, a random 32-byte salt) and the 32-byte private
/// key is sealed with AES-256-GCM (random 96-bit nonce). Every header field (format, version,
/// address, public key, derivation path, KDF parameters, salt, nonce) is bound as associated data,
/// so a change to any of them makes decryption fail.
/// </para>
/// <para>
/// Opening a keystore either returns exactly the wallet that was saved or throws: a wrong password or a
/// modified file raises <see cref="KeystoreDecryptionException"/>; a file that is not a valid keystore
/// (truncated, malformed, an unsupported version, out-of-range parameters) raises
/// <see cref="KeystoreFormatException"/>.
/// </para>
/// <para>
/// Passwords are used as their exact UTF-8 bytes (no Unicode normalization). Key derivation is
/// deliberately slow and memory-hungry and runs on the calling thread, also in the async methods.
/// </para>
/// </remarks>
public static class Keystore
{
    /// <summary>The keystore format version this SDK writes and reads.</summary>
    public const int FormatVersion = KeystoreDocument.CurrentVersion;

    /// <summary>Encrypts a wallet's key into keystore JSON (UTF-8).</summary>
    /// <param name="wallet">The wallet.</param>
    /// <param name="password">The password (must not be empty).</param>
    /// <param name="options">The key-derivation cost; <see langword="null"/> for the defaults.</param>
    /// <returns>The keystore file contents.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The wallet was disposed.</exception>
    public static byte[] Encrypt(Wallet wallet, ReadOnlySpan<char> password, KeystoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        if (password.IsEmpty)
        {
            throw new ArgumentException("A keystore password must not be empty.", nameof(password));
        }

        options ??= new KeystoreOptions();
        options.Validate();

        var document = new KeystoreDocument
        {
            Address = wallet.AddressBytes.ToArray(),
            PublicKey = wallet.PublicKey.ToArray(),
            Path = wallet.DerivationPath?.ToString(),
            MemoryKiB = options.MemoryKiB,
            Iterations = options.Iterations,
            Parallelism = options.Parallelism,
            Salt = RandomNumberGenerator.GetBytes(KeystoreDocument.SaltSize),
            Nonce = RandomNumberGenerator.GetBytes(KeystoreDocument.NonceSize),
            Ciphertext = new byte[KeystoreDocument.KeySize],
            Tag = new byte[KeystoreDocument.TagSize],
        };

        var key = DeriveKey(password, document);
        var plaintext = GC.AllocateArray<byte>(KeystoreDocument.KeySize, pinned: true);
        try
        {
            wallet.CopyPrivateKeyTo(plaintext);
            using var aes = new AesGcm(key, KeystoreDocument.TagSize);
            aes.Encrypt(document.Nonce, plaintext, document.Ciphertext, document.Tag, document.AssociatedData());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return document.ToUtf8Json();
    }

    /// <summary>Opens keystore JSON with its password.</summary>
    /// <param name="keystoreJson">The keystore file contents (UTF-8).</param>
    /// <param name="password">The password.</param>
    /// <returns>The wallet that was saved; dispose it when done.</returns>
    /// <exception cref="KeystoreFormatException">The contents are not a valid keystore this SDK can read.</exception>
    /// <exception cref="KeystoreDecryptionException">The password is wrong, or the keystore was modified.</exception>
    public static Wallet Decrypt(ReadOnlySpan<byte> keystoreJson, ReadOnlySpan<char> password)
    {
        var document = KeystoreDocument.Parse(keystoreJson);
        var key = DeriveKey(password, document);
        var plaintext = GC.AllocateArray<byte>(KeystoreDocument.KeySize, pinned: true);
        try
        {
            using (var aes = new AesGcm(key, KeystoreDocument.TagSize))
            {
                try
                {
                    aes.Decrypt(document.Nonce, document.Ciphertext, document.Tag, plaintext, document.AssociatedData());
                }
                catch (AuthenticationTagMismatchException e)
                {
                    throw new KeystoreDecryptionException(e);
                }
            }

            // Authenticated, so written by someone who knew the password; still, never hand out a key
            // that does not match the identity the file claims.
            var publicKey = Ed25519.GetPublicKey(plaintext);
            if (!publicKey.AsSpan().SequenceEqual(document.PublicKey) || !Wallet.ComputeAddressBytes(publicKey).AsSpan().SequenceEqual(document.Address))
            {
                throw new KeystoreFormatException("the decrypted key does not match the public key and address in the file");
            }

            return Wallet.Restore(plaintext, document.Path is null ? null : DerivationPath.Parse(document.Path));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Encrypts a wallet and writes the keystore file atomically: a temporary file in the same folder
    /// (created with mode 0600 on Unix), flushed to disk, then renamed over <paramref name="path"/>.
    /// </summary>
    /// <param name="wallet">The wallet.</param>
    /// <param name="path">The keystore file path.</param>
    /// <param name="password">The password (must not be empty).</param>
    /// <param name="options">The key-derivation cost; <see langword="null"/> for the defaults.</param>
    /// <param name="overwrite">Whether to replace an existing file.</param>
    /// <param name="cancellationToken">Cancels the write (the target is then left as it was).</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is <see langword="false"/>, or the write failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task SaveAsync(Wallet wallet, string path, string password, KeystoreOptions? options = null, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(password);
        var fullPath = Path.GetFullPath(path);
        if (!overwrite && File.Exists(fullPath))
        {
            throw new IOException($"The keystore file '{fullPath}' already exists; pass overwrite: true to replace it.");
        }

        var contents = Encrypt(wallet, password, options);
        var directory = Path.GetDirectoryName(fullPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        var streamOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var stream = new FileStream(temp, streamOptions);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(contents, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, fullPath, overwrite);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Reads and opens a keystore file.</summary>
    /// <param name="path">The keystore file path.</param>
    /// <param name="password">The password.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The wallet that was saved; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="KeystoreFormatException">The file is not a valid keystore this SDK can read.</exception>
    /// <exception cref="KeystoreDecryptionException">The password is wrong, or the file was modified.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Wallet> LoadAsync(string path, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(password);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        byte[] contents;
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > KeystoreDocument.MaxFileBytes)
            {
                throw new KeystoreFormatException($"the file is larger than {KeystoreDocument.MaxFileBytes} bytes");
            }

            contents = new byte[stream.Length];
            await stream.ReadExactlyAsync(contents, cancellationToken).ConfigureAwait(false);
        }

        return Decrypt(contents, password);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static byte[] DeriveKey(ReadOnlySpan<char> password, KeystoreDocument document)
    {
        var passwordBytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(password), pinned: true);
        var key = new byte[KeystoreDocument.KeySize];
        try
        {
            Encoding.UTF8.GetBytes(password, passwordBytes);
            var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
                .WithVersion(Argon2Parameters.Version13)
                .WithSalt(document.Salt)
                .WithMemoryAsKB(document.MemoryKiB)
                .WithIterations(document.Iterations)
                .WithParallelism(document.Parallelism)
                .Build();
            var generator = new Argon2BytesGenerator();
            generator.Init(parameters);
            generator.GenerateBytes(passwordBytes, key);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }
}
