namespace Phoenix.Sdk.Wallets;

/// <summary>
/// Key-derivation cost of a new keystore (Argon2id, RFC 9106). The defaults follow RFC 9106's second
/// recommended option (64 MiB, 3 passes, 4 lanes).
/// </summary>
/// <remarks>
/// The parameters are written into the keystore, so a file is always opened with the cost it was
/// saved with. Lower values make brute-forcing the password cheaper: use them only in tests.
/// </remarks>
public sealed class KeystoreOptions
{
    /// <summary>The smallest memory cost accepted, in KiB (Argon2 requires at least 8 KiB per lane).</summary>
    public const int MinMemoryKiB = 8;

    /// <summary>The largest memory cost accepted when writing or reading a keystore, in KiB (1 GiB).</summary>
    public const int MaxMemoryKiB = 1024 * 1024;

    /// <summary>The largest number of passes accepted.</summary>
    public const int MaxIterations = 64;

    /// <summary>The largest number of lanes accepted.</summary>
    public const int MaxParallelism = 16;

    /// <summary>Memory cost in KiB.</summary>
    /// <value>The default is 65,536 KiB (64 MiB).</value>
    public int MemoryKiB { get; set; } = 64 * 1024;

    /// <summary>Number of passes over the memory.</summary>
    /// <value>The default is 3.</value>
    public int Iterations { get; set; } = 3;

    /// <summary>Number of lanes.</summary>
    /// <value>The default is 4.</value>
    public int Parallelism { get; set; } = 4;

    /// <summary>Checks that the parameters are within the accepted ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Parallelism, MaxParallelism, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Iterations, MaxIterations, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryKiB, MinMemoryKiB * Parallelism, nameof(MemoryKiB));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MemoryKiB, MaxMemoryKiB, nameof(MemoryKiB));
    }
}
