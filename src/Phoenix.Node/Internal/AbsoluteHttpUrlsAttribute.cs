using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace Phoenix.Node.Internal;

/// <summary>Requires a string, or every string of a list, to be an absolute <c>http</c> or <c>https</c> URL.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AbsoluteHttpUrlsAttribute : ValidationAttribute
{
    public AbsoluteHttpUrlsAttribute()
        : base("The field {0} must hold absolute http:// or https:// URLs.")
    {
    }

    public override bool IsValid(object? value) => value switch
    {
        null => true,
        string s => IsUrl(s),
        IEnumerable items => items.Cast<object?>().All(i => i is string s && IsUrl(s)),
        _ => false,
    };

    private static bool IsUrl(string s)
        => Uri.TryCreate(s, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
