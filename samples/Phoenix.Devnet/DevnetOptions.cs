namespace Phoenix.Devnet;

/// <summary>What the devnet runs (the command line binds to this).</summary>
public sealed class DevnetOptions
{
    /// <summary>Text passages to embed (one unit each).</summary>
    /// <value>The default value is 200.</value>
    public int Units { get; set; } = 200;

    /// <summary>Units per claimed batch.</summary>
    /// <value>The default value is 20.</value>
    public int BatchSize { get; set; } = 20;

    /// <summary>The cheating miner returns a wrong result for every unit whose index within its batch is this value.</summary>
    /// <value>The default value is 3 (one wrong unit per batch it claims).</value>
    public int CheatOffset { get; set; } = 3;

    /// <summary>Fraction of a batch's units each validator re-executes before attesting.</summary>
    /// <value>The default value is 0.1.</value>
    public double SpotCheckRate { get; set; } = 0.1;

    /// <summary>Where the validators' data directories go; null makes (and afterwards deletes) a temporary one.</summary>
    public string? DataDir { get; set; }

    /// <summary>Print nothing but the final summary.</summary>
    public bool Headless { get; set; }

    /// <summary>Print the summary as JSON.</summary>
    public bool Json { get; set; }

    /// <summary>
    /// Keep the network producing blocks after the job settles, until Ctrl+C (or cancellation). Implies
    /// <see cref="Live"/>: only real nodes have gRPC endpoints to keep up.
    /// </summary>
    public bool KeepRunning { get; set; }

    /// <summary>
    /// Run on the live backend: 4 real nodes talking gRPC on loopback, on the wall clock with shortened protocol
    /// timings. The default (false) is the virtual-clock simulated network, which is faster and reproducible.
    /// </summary>
    public bool Live { get; set; }

    /// <summary>Live backend: validator i listens on <c>Port + i</c>; 0 (the default) lets the system pick free ports.</summary>
    public int Port { get; set; }

    /// <summary>Whether the job runs on the live backend (<see cref="Live"/> or <see cref="KeepRunning"/>).</summary>
    public bool UsesLiveBackend => Live || KeepRunning;

    /// <summary>Most blocks to run before giving up.</summary>
    /// <value>The default value is 2,000.</value>
    public int MaxBlocks { get; set; } = 2_000;

    /// <summary>Checks the options.</summary>
    /// <returns>Every problem found, empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Units is < 1 or > 10_000)
        {
            errors.Add("--units must be between 1 and 10000.");
        }

        if (BatchSize is < 1 or > 1_000)
        {
            errors.Add("--batch-size must be between 1 and 1000.");
        }

        if (CheatOffset < 0)
        {
            errors.Add("--cheat-offset must not be negative.");
        }

        if (SpotCheckRate is < 0 or > 1 || double.IsNaN(SpotCheckRate))
        {
            errors.Add("--spot-check-rate must be between 0 and 1.");
        }

        if (Port is < 0 or > 65_532)
        {
            errors.Add("--port must be between 0 and 65532 (validator i listens on port + i).");
        }

        if (Port != 0 && !UsesLiveBackend)
        {
            errors.Add("--port needs --live or --keep-running (the default devnet has no ports).");
        }

        if (MaxBlocks < 10)
        {
            errors.Add("--max-blocks must be at least 10.");
        }

        return errors;
    }
}
