using Microsoft.Extensions.Options;

namespace Phoenix.Sdk.Resilience;

/// <summary>Validates <see cref="PhoenixClientOptions"/> for the options system (use with <c>ValidateOnStart</c>).</summary>
public sealed class PhoenixClientOptionsValidator : IValidateOptions<PhoenixClientOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PhoenixClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
