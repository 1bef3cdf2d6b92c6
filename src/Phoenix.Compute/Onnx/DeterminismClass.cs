using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace Phoenix.Compute.Onnx;

/// <summary>
/// The execution environment that <c>onnx/v1</c> results are bit-identical within (DESIGN §6): the ONNX Runtime
/// version, the execution provider, the CPU instruction-set path its kernels dispatch to, and the pinned session
/// options. A task's <see cref="Phoenix.Protocol.Compute.WorkloadSpec.DeterminismClass"/> names one by its
/// canonical string; the executor reports its own with every result.
/// </summary>
/// <remarks>
/// <para>Canonical string: <c>ort-&lt;version&gt;/&lt;provider&gt;/&lt;arch&gt;-&lt;isa&gt;/&lt;profile&gt;-&lt;options hash&gt;</c>,
/// for example <c>ort-1.22.0/CPUExecutionProvider/x64-avx512+vnni/pinned-3f9a0c1d2e4b5a67</c>. The options hash is
/// the first 8 bytes (hex) of SHA-256 over the canonical description of the session options
/// (<see cref="DescribeOptions"/>); the profile is <c>pinned</c> when those options make a run reproducible (one
/// intra-op and one inter-op thread, sequential, graph optimizations off, deterministic compute) and
/// <c>unpinned</c> otherwise.</para>
/// <para>Two results are compared by hash only when both classes are equal <em>and</em> pinned
/// (<see cref="AllowsExactComparisonWith"/>); otherwise the verifier falls back to the tolerance rule
/// (docs/compute.md, "Determinism classes").</para>
/// </remarks>
public sealed record DeterminismClass
{
    private const string RuntimePrefix = "ort-";
    private const string PinnedProfile = "pinned";
    private const string UnpinnedProfile = "unpinned";

    /// <summary>Creates a class from its parts.</summary>
    /// <param name="runtimeVersion">The ONNX Runtime version, such as <c>1.22.0</c>.</param>
    /// <param name="executionProvider">The execution provider, such as <c>CPUExecutionProvider</c>.</param>
    /// <param name="isaPath">Architecture and instruction-set path, such as <c>x64-avx2</c> or <c>arm64-neon</c>.</param>
    /// <param name="pinned">Whether the session options make runs reproducible.</param>
    /// <param name="optionsHash">16 lowercase hex digits: the hash of the session options' description.</param>
    /// <exception cref="ArgumentException">A part is empty, holds <c>/</c> or white space, or the hash is not 16 lowercase hex digits.</exception>
    public DeterminismClass(string runtimeVersion, string executionProvider, string isaPath, bool pinned, string optionsHash)
    {
        RuntimeVersion = CheckPart(runtimeVersion, nameof(runtimeVersion));
        ExecutionProvider = CheckPart(executionProvider, nameof(executionProvider));
        IsaPath = CheckPart(isaPath, nameof(isaPath));
        ArgumentNullException.ThrowIfNull(optionsHash);
        if (optionsHash.Length != 16 || !optionsHash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new ArgumentException("The options hash must be 16 lowercase hex digits.", nameof(optionsHash));
        }

        IsPinned = pinned;
        OptionsHash = optionsHash;
    }

    /// <summary>The ONNX Runtime version.</summary>
    public string RuntimeVersion { get; }

    /// <summary>The execution provider.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Architecture and instruction-set path (<see cref="CurrentIsaPath"/>).</summary>
    public string IsaPath { get; }

    /// <summary>Whether the session options make runs reproducible (exact comparison is meaningful).</summary>
    public bool IsPinned { get; }

    /// <summary>16 lowercase hex digits identifying the session options (<see cref="DescribeOptions"/>).</summary>
    public string OptionsHash { get; }

    /// <summary>
    /// The instruction-set path of this process, as ONNX Runtime's MLAS kernels dispatch on it: the widest x86 vector
    /// tier (<c>avx512</c>, <c>avx2</c>, <c>avx</c>, <c>sse2</c>) with <c>+vnni</c> when the CPU reports AVX-VNNI (int8 kernels),
    /// or <c>neon</c> with <c>+dot</c> on Arm64.
    /// </summary>
    public static string CurrentIsaPath { get; } = DetectIsaPath();

    /// <summary>
    /// The canonical description of session options that the options hash covers: threads, execution mode,
    /// optimization level, deterministic-compute flag and denormal policy, plus the CUDA provider's options when the
    /// provider is CUDA. Unpinned options (threads left to the runtime) are described as such.
    /// </summary>
    /// <param name="executionProvider">The execution provider sessions are created for.</param>
    /// <param name="options">The execution options.</param>
    /// <returns>The description, such as <c>intra=1;inter=1;mode=sequential;opt=disable_all;deterministic_compute=1;denormal_as_zero=0</c>.</returns>
    public static string DescribeOptions(string executionProvider, OnnxExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(executionProvider);
        ArgumentNullException.ThrowIfNull(options);
        var session = options.Deterministic
            ? "intra=1;inter=1;mode=sequential;opt=disable_all;deterministic_compute=1;denormal_as_zero=0"
            : string.Create(CultureInfo.InvariantCulture, $"intra={options.IntraOpThreads};inter=default;mode=sequential;opt=default;deterministic_compute=0;denormal_as_zero=0");
        if (executionProvider != OnnxModelRunner.CudaProvider)
        {
            return session;
        }

        // The device ordinal picks a card, not an arithmetic; everything else the provider is given can change bits.
        var cuda = OnnxModelRunner.CudaProviderOptions(options)
            .Where(kv => kv.Key != "device_id")
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"cuda.{kv.Key}={kv.Value}");
        return string.Join(';', [session, .. cuda]);
    }

    /// <summary>The class of a runner with these options on this process's runtime and CPU.</summary>
    /// <param name="runtimeVersion">The ONNX Runtime version.</param>
    /// <param name="executionProvider">The execution provider sessions are created for.</param>
    /// <param name="options">The execution options.</param>
    /// <returns>The class.</returns>
    public static DeterminismClass For(string runtimeVersion, string executionProvider, OnnxExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(DescribeOptions(executionProvider, options)));
        return new DeterminismClass(runtimeVersion, executionProvider, CurrentIsaPath, options.Deterministic, Convert.ToHexStringLower(hash.AsSpan(0, 8)));
    }

    /// <summary>Parses a canonical class string.</summary>
    /// <param name="text">The string.</param>
    /// <returns>The class.</returns>
    /// <exception cref="FormatException">The string is not a canonical determinism class.</exception>
    public static DeterminismClass Parse(string text)
        => TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a determinism class (ort-<version>/<provider>/<arch>-<isa>/<pinned|unpinned>-<16 hex digits>).");

    /// <summary>Parses a canonical class string.</summary>
    /// <param name="text">The string; <see langword="null"/> or empty gives <see langword="false"/>.</param>
    /// <param name="result">The class when the string is canonical.</param>
    /// <returns>Whether the string is a canonical determinism class.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out DeterminismClass? result)
    {
        result = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('/');
        if (parts.Length != 4 || !parts[0].StartsWith(RuntimePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var profile = parts[3];
        var dash = profile.LastIndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var name = profile[..dash];
        if (name is not (PinnedProfile or UnpinnedProfile))
        {
            return false;
        }

        try
        {
            result = new DeterminismClass(parts[0][RuntimePrefix.Length..], parts[1], parts[2], name == PinnedProfile, profile[(dash + 1)..]);
            return result.ToString() == text;
        }
        catch (ArgumentException)
        {
            result = null;
            return false;
        }
    }

    /// <summary>
    /// Whether a result made in <paramref name="other"/> may be compared with one made in this class by hash: both
    /// classes are equal and pinned.
    /// </summary>
    /// <param name="other">The other class; <see langword="null"/> (unknown) gives <see langword="false"/>.</param>
    /// <returns>Whether exact comparison is sound.</returns>
    public bool AllowsExactComparisonWith(DeterminismClass? other) => IsPinned && Equals(other);

    /// <summary>The canonical string.</summary>
    /// <returns>The canonical string.</returns>
    public override string ToString()
        => $"{RuntimePrefix}{RuntimeVersion}/{ExecutionProvider}/{IsaPath}/{(IsPinned ? PinnedProfile : UnpinnedProfile)}-{OptionsHash}";

    private static string CheckPart(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value.Any(c => c == '/' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("A determinism class part may not hold '/', white space or control characters.", name);
        }

        return value;
    }

    private static string DetectIsaPath()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string isa;
        if (Avx512F.IsSupported)
        {
            isa = AvxVnni.IsSupported ? "avx512+vnni" : "avx512";
        }
        else if (Avx2.IsSupported)
        {
            isa = AvxVnni.IsSupported ? "avx2+vnni" : "avx2";
        }
        else if (Avx.IsSupported)
        {
            isa = "avx";
        }
        else if (Sse2.IsSupported)
        {
            isa = "sse2";
        }
        else if (AdvSimd.IsSupported)
        {
            isa = Dp.IsSupported ? "neon+dot" : "neon";
        }
        else
        {
            isa = "scalar";
        }

        return $"{arch}-{isa}";
    }
}
