namespace Phoenix.Protocol.Results;

/// <summary>
/// A named, stable result code of one codespace (a module). Codes are public constants, unique per
/// codespace and never reused (CONVENTIONS habit 15); code 0 is success in every codespace.
/// </summary>
/// <param name="Codespace">The module that owns the code, such as <c>tx</c> or <c>bank</c>.</param>
/// <param name="Code">The numeric code (non-zero for failures).</param>
/// <param name="Name">A stable snake_case name, such as <c>insufficient_funds</c>.</param>
public sealed record ResultCode(string Codespace, uint Code, string Name)
{
    /// <summary>Success.</summary>
    public static ResultCode Ok { get; } = new(string.Empty, 0, "ok");

    /// <summary>Whether this is success.</summary>
    public bool IsOk => Code == 0;

    /// <inheritdoc />
    public override string ToString() => IsOk ? "ok" : $"{Codespace}/{Code} {Name}";
}
