using Phoenix.Protocol.Compute;

namespace Phoenix.Compute.Hosting;

/// <summary>
/// Finds the executor and verifier of a workload kind among all registered ones (the ONNX kind and any
/// third-party kinds), so agents dispatch units without knowing the kinds.
/// </summary>
/// <remarks>Immutable and thread-safe. Registering two executors or two verifiers of one kind is an error.</remarks>
public sealed class WorkloadRegistry
{
    private readonly Dictionary<string, IWorkloadExecutor> _executors;
    private readonly Dictionary<string, IResultVerifier> _verifiers;

    /// <summary>Creates the registry.</summary>
    /// <param name="executors">Every executor.</param>
    /// <param name="verifiers">Every verifier.</param>
    /// <exception cref="ArgumentException">Two executors or two verifiers claim one kind.</exception>
    public WorkloadRegistry(IEnumerable<IWorkloadExecutor> executors, IEnumerable<IResultVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(executors);
        ArgumentNullException.ThrowIfNull(verifiers);
        _executors = ToMap(executors, e => e.Kind, "executor");
        _verifiers = ToMap(verifiers, v => v.Kind, "verifier");
    }

    /// <summary>The kinds that have an executor.</summary>
    public IReadOnlyCollection<string> ExecutableKinds => _executors.Keys;

    /// <summary>The kinds that have a verifier.</summary>
    public IReadOnlyCollection<string> VerifiableKinds => _verifiers.Keys;

    /// <summary>The executor of a kind.</summary>
    /// <param name="kind">The workload kind.</param>
    /// <returns>The executor.</returns>
    /// <exception cref="KeyNotFoundException">No executor runs <paramref name="kind"/>.</exception>
    public IWorkloadExecutor GetExecutor(string kind)
        => _executors.TryGetValue(kind, out var e) ? e : throw new KeyNotFoundException($"No executor is registered for workload kind '{kind}'.");

    /// <summary>The verifier of a kind.</summary>
    /// <param name="kind">The workload kind.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="KeyNotFoundException">No verifier checks <paramref name="kind"/>.</exception>
    public IResultVerifier GetVerifier(string kind)
        => _verifiers.TryGetValue(kind, out var v) ? v : throw new KeyNotFoundException($"No verifier is registered for workload kind '{kind}'.");

    /// <summary>Runs a unit with its kind's executor.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="blobs">Where to read blobs.</param>
    /// <param name="cancellationToken">Cancels execution.</param>
    /// <returns>The result.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return GetExecutor(unit.Workload.Kind).ExecuteAsync(unit, blobs, cancellationToken);
    }

    /// <summary>Verifies a claimed result with its kind's verifier.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="claimed">The claim.</param>
    /// <param name="blobs">Where to read blobs.</param>
    /// <param name="cancellationToken">Cancels verification.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return GetVerifier(unit.Workload.Kind).VerifyAsync(unit, claimed, blobs, cancellationToken);
    }

    private static Dictionary<string, T> ToMap<T>(IEnumerable<T> items, Func<T, string> kind, string what)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!map.TryAdd(kind(item), item))
            {
                throw new ArgumentException($"Two {what}s are registered for workload kind '{kind(item)}'.", nameof(items));
            }
        }

        return map;
    }
}
