using System.Reflection;
using Phoenix.Protocol.Crypto;

namespace Phoenix.Protocol.Tests.Architecture;

public class DeterminismArchitectureTests
{
    private static readonly Assembly Protocol = typeof(Ed25519).Assembly;
    private static readonly Type[] Forbidden = [typeof(float), typeof(double), typeof(decimal), typeof(Half)];

    private static bool IsForbidden(Type t)
    {
        while (t.HasElementType)
        {
            t = t.GetElementType()!;
        }

        var underlying = Nullable.GetUnderlyingType(t) ?? t;
        return Forbidden.Contains(underlying) || (underlying.IsGenericType && underlying.GetGenericArguments().Any(IsForbidden));
    }

    [Fact]
    public void ProtocolAssembly_HasNoFloatingPointFieldsParametersOrReturns()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = new List<string>();
        foreach (var type in Protocol.GetTypes())
        {
            offenders.AddRange(type.GetFields(all).Where(f => IsForbidden(f.FieldType)).Select(f => $"{type.FullName}.{f.Name}"));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo mi && IsForbidden(mi.ReturnType))
                {
                    offenders.Add($"{type.FullName}.{method.Name} returns {mi.ReturnType.Name}");
                }

                offenders.AddRange(method.GetParameters().Where(p => IsForbidden(p.ParameterType)).Select(p => $"{type.FullName}.{method.Name}({p.Name})"));
            }
        }

        Assert.True(offenders.Count == 0, "Floating point in Phoenix.Protocol:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void ProtocolAssembly_ReferencesOnlyAllowedAssemblies()
    {
        string[] allowed = ["System", "Microsoft.Win32.Primitives", "netstandard", "Google.Protobuf", "Grpc.Core.Api", "NSec.Cryptography"];
        var references = Protocol.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var unexpected = references.Where(r => !allowed.Any(a => r == a || r.StartsWith(a + ".", StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, "Unexpected references: " + string.Join(", ", unexpected));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Extensions", StringComparison.Ordinal));
    }

    [Fact]
    public void ProtocolAssembly_DoesNotUseClocksRandomnessThreadsOrIoTypes()
    {
        // Complements the RS0030 banned-API analyzer: no member of the assembly's types has a field or parameter of these types.
        Type[] banned = [typeof(Random), typeof(System.Diagnostics.Stopwatch), typeof(Thread), typeof(FileStream), typeof(TimeProvider)];
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = Protocol.GetTypes()
            .SelectMany(t => t.GetFields(all).Select(f => (t, f.FieldType, f.Name)))
            .Where(x => banned.Contains(x.FieldType))
            .Select(x => $"{x.t.FullName}.{x.Name}")
            .ToList();
        Assert.Empty(offenders);
    }
}
