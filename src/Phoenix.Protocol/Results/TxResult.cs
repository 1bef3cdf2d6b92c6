using Phoenix.Protocol.Abci;

namespace Phoenix.Protocol.Results;

/// <summary>
/// The outcome of checking or executing a transaction or a message: a <see cref="ResultCode"/>, a
/// human-readable log, gas used and the events emitted. Expected failures are values, never exceptions.
/// </summary>
public readonly struct TxResult : IEquatable<TxResult>
{
    private readonly ResultCode? _code;
    private readonly IReadOnlyList<AbciEvent>? _events;

    /// <summary>Creates a result.</summary>
    /// <param name="code">The code.</param>
    /// <param name="log">Human-readable detail (not consensus-critical).</param>
    /// <param name="gasUsed">Gas used.</param>
    /// <param name="events">Events emitted.</param>
    public TxResult(ResultCode code, string log, long gasUsed = 0, IReadOnlyList<AbciEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        _code = code;
        Log = log ?? string.Empty;
        GasUsed = gasUsed;
        _events = events;
    }

    /// <summary>The result code (<see cref="ResultCode.Ok"/> for <c>default</c>).</summary>
    public ResultCode Code => _code ?? ResultCode.Ok;

    /// <summary>The codespace of <see cref="Code"/>.</summary>
    public string Codespace => Code.Codespace;

    /// <summary>Human-readable detail.</summary>
    public string Log { get; }

    /// <summary>Gas used.</summary>
    public long GasUsed { get; }

    /// <summary>Events emitted.</summary>
    public IReadOnlyList<AbciEvent> Events => _events ?? [];

    /// <summary>Whether this is success.</summary>
    public bool IsOk => Code.IsOk;

    /// <summary>A success result.</summary>
    /// <param name="events">Events, if any.</param>
    /// <returns>The result.</returns>
    public static TxResult Success(IReadOnlyList<AbciEvent>? events = null) => new(ResultCode.Ok, string.Empty, 0, events);

    /// <summary>A failure result.</summary>
    /// <param name="code">The failure code.</param>
    /// <param name="log">Why.</param>
    /// <returns>The result.</returns>
    public static TxResult Fail(ResultCode code, string log) => new(code, log);

    /// <summary>Implicit conversion from a code with its name as the log.</summary>
    /// <param name="code">The code.</param>
    public static implicit operator TxResult(ResultCode code) => new(code, code?.Name ?? string.Empty);

    /// <inheritdoc />
    public bool Equals(TxResult other) => Code == other.Code && string.Equals(Log, other.Log, StringComparison.Ordinal) && GasUsed == other.GasUsed;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TxResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Code, GasUsed);

    /// <summary>Equality.</summary>
    public static bool operator ==(TxResult left, TxResult right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TxResult left, TxResult right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => IsOk ? "ok" : $"{Code}: {Log}";
}
