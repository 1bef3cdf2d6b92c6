using System.Security.Cryptography;
using Phoenix.Protocol.Crypto;

namespace Phoenix.Sdk.Wallets;

/// <summary>
/// One Ed25519 signing key and its public identity (public key and 20-byte address). Create one
/// from a BIP-39 <see cref="Mnemonic"/> (SLIP-0010 derivation), from a raw 32-byte private key, from
/// a <see cref="Keystore"/>, or at random.
/// </summary>
/// <remarks>
/// <para>
/// The private key lives in a pinned array (the garbage collector never copies it) and is wiped by
/// <see cref="Dispose"/>; after that, <see cref="Sign"/> throws <see cref="ObjectDisposedException"/>.
/// Public members stay usable after disposal.
/// </para>
/// <para>
/// An address is the first 20 bytes of SHA-256(public key) (DESIGN §3). Its bech32 text form
/// (prefix <c>phx</c>) belongs to the protocol's <c>Address</c> type; this type exposes the bytes.
/// </para>
/// <para>Thread-safe: <see cref="Sign"/> may be called concurrently.</para>
/// </remarks>
public sealed class Wallet : IDisposable
{
    /// <summary>Length of an address in bytes.</summary>
    public const int AddressSize = 20;

    private readonly byte[] _secret = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
    private readonly byte[] _publicKey;
    private readonly byte[] _address;
    private readonly Lock _gate = new();
    private bool _disposed;

    private Wallet(ReadOnlySpan<byte> privateKey, DerivationPath? path)
    {
        privateKey.CopyTo(_secret);
        _publicKey = Ed25519.GetPublicKey(_secret);
        _address = ComputeAddressBytes(_publicKey);
        DerivationPath = path;
    }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey;

    /// <summary>The 20-byte account address (first 20 bytes of SHA-256 of <see cref="PublicKey"/>).</summary>
    public ReadOnlyMemory<byte> AddressBytes => _address;

    /// <summary>The account address as the protocol's <see cref="Phoenix.Protocol.Primitives.Address"/> (bech32 <c>phx…</c> when printed).</summary>
    public Phoenix.Protocol.Primitives.Address Address => new(_address);

    /// <summary>The SLIP-0010 path the key was derived with, or <see langword="null"/> for a raw or random key.</summary>
    public DerivationPath? DerivationPath { get; }

    /// <summary>Derives the wallet at <c>m/44'/7447'/account'/0'/index'</c> of a mnemonic.</summary>
    /// <param name="mnemonic">The mnemonic.</param>
    /// <param name="passphrase">The optional BIP-39 passphrase.</param>
    /// <param name="account">The account number (below 2^31).</param>
    /// <param name="index">The address index (below 2^31).</param>
    /// <returns>The wallet; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="account"/> or <paramref name="index"/> is 2^31 or more.</exception>
    public static Wallet FromMnemonic(Mnemonic mnemonic, string passphrase = "", uint account = 0, uint index = 0) =>
        FromMnemonic(mnemonic, passphrase, DerivationPath.ForAccount(account, index));

    /// <summary>Derives the wallet at an explicit SLIP-0010 path of a mnemonic.</summary>
    /// <param name="mnemonic">The mnemonic.</param>
    /// <param name="passphrase">The BIP-39 passphrase (empty for none).</param>
    /// <param name="path">The derivation path.</param>
    /// <returns>The wallet; dispose it when done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static Wallet FromMnemonic(Mnemonic mnemonic, string passphrase, DerivationPath path)
    {
        ArgumentNullException.ThrowIfNull(mnemonic);
        ArgumentNullException.ThrowIfNull(passphrase);
        ArgumentNullException.ThrowIfNull(path);
        var seed = mnemonic.DeriveSeed(passphrase);
        Span<byte> key = stackalloc byte[Slip10Ed25519.KeySize];
        Span<byte> chain = stackalloc byte[Slip10Ed25519.KeySize];
        try
        {
            Slip10Ed25519.DerivePath(seed, path, key, chain);
            return new Wallet(key, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(chain);
        }
    }

    /// <summary>Creates a wallet from a raw 32-byte Ed25519 private key (RFC 8032 seed).</summary>
    /// <param name="privateKey">The 32-byte private key. It is copied; wipe your copy.</param>
    /// <returns>The wallet; dispose it when done.</returns>
    /// <exception cref="ArgumentException"><paramref name="privateKey"/> is not 32 bytes.</exception>
    public static Wallet FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != Ed25519.SeedSize)
        {
            throw new ArgumentException($"An Ed25519 private key is {Ed25519.SeedSize} bytes; got {privateKey.Length}.", nameof(privateKey));
        }

        return new Wallet(privateKey, path: null);
    }

    /// <summary>Creates a wallet with a new random key (no mnemonic backs it: save it in a <see cref="Keystore"/>).</summary>
    /// <returns>The wallet; dispose it when done.</returns>
    public static Wallet CreateRandom()
    {
        Span<byte> key = stackalloc byte[Ed25519.SeedSize];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new Wallet(key, path: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Computes the 20-byte address of a public key: the first 20 bytes of its SHA-256.</summary>
    /// <param name="publicKey">The 32-byte Ed25519 public key.</param>
    /// <returns>The address bytes.</returns>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is not 32 bytes.</exception>
    public static byte[] ComputeAddressBytes(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new ArgumentException($"An Ed25519 public key is {Ed25519.PublicKeySize} bytes; got {publicKey.Length}.", nameof(publicKey));
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(publicKey, hash);
        return hash[..AddressSize].ToArray();
    }

    /// <summary>Signs a message (deterministic RFC 8032 Ed25519).</summary>
    /// <param name="message">The bytes to sign (for a transaction: its canonical sign bytes).</param>
    /// <returns>The 64-byte signature.</returns>
    /// <exception cref="ObjectDisposedException">The wallet was disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Ed25519.Sign(_secret, message);
        }
    }

    /// <summary>The address in lower-case hexadecimal (never the key).</summary>
    /// <returns>For example "Wallet 1a2b…".</returns>
    public override string ToString() => "Wallet " + Convert.ToHexStringLower(_address);

    /// <summary>Wipes the private key. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_secret);
        }
    }

    /// <summary>Creates a wallet from a key restored from a keystore, keeping its derivation path.</summary>
    internal static Wallet Restore(ReadOnlySpan<byte> privateKey, DerivationPath? path) => new(privateKey, path);

    /// <summary>Copies the private key (for the keystore). The caller wipes the destination.</summary>
    internal void CopyPrivateKeyTo(Span<byte> destination)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _secret.CopyTo(destination);
        }
    }

    /// <summary>Whether the private key buffer is all zero (tests check that Dispose wiped it).</summary>
    internal bool IsSecretWiped()
    {
        lock (_gate)
        {
            return !_secret.AsSpan().ContainsAnyExcept((byte)0);
        }
    }
}
