using System.Text.Json;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Genesis;

/// <summary>A vesting schedule on genesis PHNX (DESIGN §4): nothing before the cliff, linear from start to end.</summary>
/// <param name="Total">Total vesting uphnx (locked at start).</param>
/// <param name="Start">Vesting start.</param>
/// <param name="Cliff">Nothing unlocks before this time; at it, the linear share since start unlocks at once.</param>
/// <param name="End">Everything is unlocked from this time.</param>
public sealed record VestingSchedule(UInt128 Total, Timestamp Start, Timestamp Cliff, Timestamp End)
{
    /// <summary>The amount still locked at <paramref name="now"/> (exact integer arithmetic, rounded so that locked never under-counts).</summary>
    /// <param name="now">Block time.</param>
    /// <returns>Locked uphnx.</returns>
    public UInt128 LockedAt(Timestamp now)
    {
        if (now.Seconds < Cliff.Seconds)
        {
            return Total;
        }

        if (now.Seconds >= End.Seconds || End.Seconds <= Start.Seconds)
        {
            return UInt128.Zero;
        }

        var elapsed = (ulong)(now.Seconds - Start.Seconds);
        var duration = (ulong)(End.Seconds - Start.Seconds);
        var vested = new Ratio(elapsed, duration).MultiplyFloor(Total);
        return Total - vested;
    }

    /// <summary>Problems with the schedule (ordering).</summary>
    /// <returns>Empty when valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (Start.Seconds > Cliff.Seconds || Cliff.Seconds > End.Seconds || Start.Seconds >= End.Seconds)
        {
            yield return "Vesting requires start <= cliff <= end and start < end.";
        }
    }
}

/// <summary>An account funded at genesis.</summary>
/// <param name="Address">The account.</param>
/// <param name="Balances">Its balances (at most one per denomination).</param>
/// <param name="Vesting">A vesting lock on its PHNX, if any.</param>
/// <param name="Label">A descriptive label such as <c>public_sale</c> (not consensus-relevant beyond the document hash).</param>
public sealed record GenesisAccount(Address Address, IReadOnlyList<Amount> Balances, VestingSchedule? Vesting = null, string Label = "");

/// <summary>A module account funded at genesis, such as the community pool.</summary>
/// <param name="Name">The module account name (address = <see cref="Address.ForModule"/>).</param>
/// <param name="Balances">Its balances.</param>
public sealed record GenesisModuleAccount(string Name, IReadOnlyList<Amount> Balances);

/// <summary>An initial validator.</summary>
/// <param name="ConsensusKey">The validator's Ed25519 consensus key.</param>
/// <param name="Operator">The operator account.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code (upper case).</param>
/// <param name="Power">Initial voting power.</param>
public sealed record GenesisValidator(PublicKey ConsensusKey, Address Operator, string Jurisdiction, long Power);

/// <summary>
/// The genesis document: chain id, genesis time, parameters, funded accounts (with vesting),
/// module accounts, initial validators, optional admin key, and opaque per-module sections for
/// modules added later. Immutable; build with <see cref="GenesisBuilder"/> or read from JSON with <see cref="FromJson"/>.
/// </summary>
public sealed record Genesis
{
    /// <summary>The chain id.</summary>
    public required string ChainId { get; init; }

    /// <summary>Genesis time (vesting schedules count from it).</summary>
    public required Timestamp GenesisTime { get; init; }

    /// <summary>Chain parameters.</summary>
    public ChainParameters Parameters { get; init; } = ChainParameters.Default;

    /// <summary>Phase-1 admin key, if any (DESIGN §4: can be retired forever by governance).</summary>
    public PublicKey? AdminKey { get; init; }

    /// <summary>Funded accounts.</summary>
    public IReadOnlyList<GenesisAccount> Accounts { get; init; } = [];

    /// <summary>Funded module accounts (community pool, ...).</summary>
    public IReadOnlyList<GenesisModuleAccount> ModuleAccounts { get; init; } = [];

    /// <summary>Initial validators.</summary>
    public IReadOnlyList<GenesisValidator> Validators { get; init; } = [];

    /// <summary>Per-module genesis sections (raw JSON), keyed by module name, for modules that define their own.</summary>
    public IReadOnlyDictionary<string, JsonElement> Modules { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Total of each denomination allocated at genesis.</summary>
    /// <returns>Per-denomination totals.</returns>
    /// <exception cref="OverflowException">The totals overflow 128 bits.</exception>
    public IReadOnlyDictionary<Denom, UInt128> TotalSupply()
    {
        var totals = Denom.All.ToDictionary(d => d, _ => UInt128.Zero);
        foreach (var amount in Accounts.SelectMany(a => a.Balances).Concat(ModuleAccounts.SelectMany(m => m.Balances)))
        {
            totals[amount.Denom] = checked(totals[amount.Denom] + amount.Value);
        }

        return totals;
    }

    /// <summary>Checks the document: ids, unique accounts and keys, amounts, vesting, validators and parameters.</summary>
    /// <returns>Every problem found; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ChainId) || ChainId.Length > 50)
        {
            errors.Add("chain_id must be 1 to 50 characters.");
        }

        errors.AddRange(Parameters.Validate());
        var seen = new HashSet<Address>();
        foreach (var account in Accounts)
        {
            if (!seen.Add(account.Address))
            {
                errors.Add($"Account {account.Address} appears twice.");
            }

            if (account.Balances.Select(b => b.Denom).Distinct().Count() != account.Balances.Count)
            {
                errors.Add($"Account {account.Address} lists a denomination twice.");
            }

            if (account.Vesting is { } v)
            {
                errors.AddRange(v.Validate().Select(e => $"Account {account.Address}: {e}"));
                var phnx = account.Balances.Where(b => b.Denom == Denom.Phnx).Select(b => b.Value).FirstOrDefault();
                if (v.Total > phnx)
                {
                    errors.Add($"Account {account.Address} vests more PHNX than it holds.");
                }
            }
        }

        foreach (var module in ModuleAccounts)
        {
            if (string.IsNullOrWhiteSpace(module.Name) || !seen.Add(Address.ForModule(module.Name)))
            {
                errors.Add($"Module account '{module.Name}' is unnamed or appears twice.");
            }
        }

        var keys = new HashSet<PublicKey>();
        foreach (var validator in Validators)
        {
            if (!keys.Add(validator.ConsensusKey))
            {
                errors.Add($"Validator key {validator.ConsensusKey} appears twice.");
            }

            if (validator.Power <= 0)
            {
                errors.Add($"Validator {validator.ConsensusKey} must have positive power.");
            }

            if (validator.Jurisdiction is not { Length: 2 } j || !char.IsAsciiLetterUpper(j[0]) || !char.IsAsciiLetterUpper(j[1]))
            {
                errors.Add($"Validator {validator.ConsensusKey} jurisdiction must be an ISO 3166-1 alpha-2 code.");
            }
        }

        try
        {
            _ = TotalSupply();
        }
        catch (OverflowException)
        {
            errors.Add("Genesis supply overflows 128 bits.");
        }

        return errors;
    }

    /// <summary>Reads a genesis JSON document (UTF-8).</summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The genesis.</returns>
    /// <exception cref="GenesisFormatException">The document is malformed.</exception>
    public static Genesis FromJson(ReadOnlySpan<byte> utf8Json) => Internal.GenesisJson.Read(utf8Json);

    /// <summary>Writes the genesis JSON document (UTF-8, indented, stable field order).</summary>
    /// <returns>The document.</returns>
    public byte[] ToJson() => Internal.GenesisJson.Write(this);
}

/// <summary>A genesis document that cannot be read.</summary>
public sealed class GenesisFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GenesisFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public GenesisFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The cause.</param>
    public GenesisFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
