namespace Phoenix.Protocol.Primitives;

/// <summary>
/// A point in time as seconds and nanoseconds since the Unix epoch, exactly like
/// <c>google.protobuf.Timestamp</c>. Block time (BFT time) is carried as this type; protocol code
/// never reads a clock.
/// </summary>
/// <param name="Seconds">Whole seconds since 1970-01-01T00:00:00Z (may be negative).</param>
/// <param name="Nanos">Nanoseconds within the second, 0 to 999,999,999.</param>
public readonly record struct Timestamp(long Seconds, int Nanos) : IComparable<Timestamp>
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>The Unix epoch.</summary>
    public static Timestamp Epoch => default;

    /// <summary>Creates a timestamp from nanoseconds since the Unix epoch.</summary>
    /// <param name="unixNanos">Nanoseconds since the epoch.</param>
    /// <returns>The timestamp.</returns>
    public static Timestamp FromUnixNanoseconds(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, NanosPerSecond, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += NanosPerSecond;
        }

        return new Timestamp(seconds, (int)nanos);
    }

    /// <summary>Creates a timestamp from a <see cref="DateTimeOffset"/> (100 ns precision).</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The timestamp.</returns>
    public static Timestamp FromDateTimeOffset(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }

        return new Timestamp(seconds, (int)(rem * 100));
    }

    /// <summary>Nanoseconds since the Unix epoch (saturates on overflow).</summary>
    public long UnixNanoseconds
    {
        get
        {
            try
            {
                return checked((Seconds * NanosPerSecond) + Nanos);
            }
            catch (OverflowException)
            {
                return Seconds < 0 ? long.MinValue : long.MaxValue;
            }
        }
    }

    /// <summary>Converts to a <see cref="DateTimeOffset"/> (truncated to 100 ns).</summary>
    /// <returns>The instant in UTC.</returns>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks((Seconds * TimeSpan.TicksPerSecond) + (Nanos / 100));

    /// <summary>Adds a whole number of seconds.</summary>
    /// <param name="seconds">Seconds to add.</param>
    /// <returns>The shifted timestamp.</returns>
    public Timestamp AddSeconds(long seconds) => new(checked(Seconds + seconds), Nanos);

    /// <inheritdoc />
    public int CompareTo(Timestamp other)
    {
        var c = Seconds.CompareTo(other.Seconds);
        return c != 0 ? c : Nanos.CompareTo(other.Nanos);
    }

    /// <summary>Order.</summary>
    public static bool operator <(Timestamp left, Timestamp right) => left.CompareTo(right) < 0;

    /// <summary>Order.</summary>
    public static bool operator >(Timestamp left, Timestamp right) => left.CompareTo(right) > 0;

    /// <summary>Order.</summary>
    public static bool operator <=(Timestamp left, Timestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Order.</summary>
    public static bool operator >=(Timestamp left, Timestamp right) => left.CompareTo(right) >= 0;

    /// <summary>ISO 8601 in UTC.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToDateTimeOffset().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
