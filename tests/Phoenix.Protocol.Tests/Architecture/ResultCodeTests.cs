using System.Reflection;
using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Tests.Architecture;

public class ResultCodeTests
{
    [Fact]
    public void ResultCodes_AcrossProtocol_AreUniquePerCodespaceAndNonZero()
    {
        var codes = typeof(ResultCode).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static))
            .Where(p => p.PropertyType == typeof(ResultCode))
            .Select(p => (Owner: p.DeclaringType!.Name + "." + p.Name, Code: (ResultCode)p.GetValue(null)!))
            .Where(c => !c.Code.IsOk)
            .ToList();
        Assert.True(codes.Count >= 20, "expected the tx, bank and query registries");
        var duplicates = codes.GroupBy(c => (c.Code.Codespace, c.Code.Code)).Where(g => g.Count() > 1).Select(g => string.Join(", ", g.Select(c => c.Owner))).ToList();
        Assert.True(duplicates.Count == 0, "Duplicate codes: " + string.Join("; ", duplicates));
        Assert.DoesNotContain(codes, c => string.IsNullOrEmpty(c.Code.Codespace) || string.IsNullOrEmpty(c.Code.Name));
    }
}
