using System.Text.Json;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Phoenix.Protocol.Tests.Support;
using PhxEd25519 = Phoenix.Protocol.Crypto.Ed25519;

namespace Phoenix.Protocol.Tests.Crypto;

/// <summary>Runs the shared conformance vectors when ../shared/conformance is present (returns early otherwise).</summary>
public class Ed25519ConformanceTests
{
    private static bool Bouncy(byte[] pk, byte[] msg, byte[] sig)
        => pk.Length == 32 && sig.Length == 64 && Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(sig, 0, pk, 0, msg, 0, msg.Length);

    [Fact]
    public void Verify_WycheproofVectors_MatchEveryVerdictAndBouncyCastle()
    {
        var dir = Conformance.VectorsDirectory();
        if (dir is null)
        {
            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "wycheproof_ed25519_test.json")));
        var failures = new List<string>();
        var count = 0;
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            var pk = Convert.FromHexString(group.GetProperty("publicKey").GetProperty("pk").GetString()!);
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                count++;
                var msg = Convert.FromHexString(test.GetProperty("msg").GetString()!);
                var sig = Convert.FromHexString(test.GetProperty("sig").GetString()!);
                var expected = test.GetProperty("result").GetString() == "valid";
                var ours = PhxEd25519.Verify(pk, msg, sig);
                if (ours != expected)
                {
                    failures.Add($"tcId {test.GetProperty("tcId").GetInt32()}: expected {expected}, got {ours}");
                }

                if (Bouncy(pk, msg, sig) != expected)
                {
                    failures.Add($"tcId {test.GetProperty("tcId").GetInt32()}: BouncyCastle disagrees with the expected verdict");
                }
            }
        }

        Assert.Equal(151, count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Verify_Rfc8032ConformanceVectors_Accepted()
    {
        var dir = Conformance.VectorsDirectory();
        if (dir is null)
        {
            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "ed25519_rfc8032.json")));
        var n = 0;
        foreach (var v in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            var props = v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            var pk = Convert.FromHexString(Pick(props, "public_key_hex"));
            var msg = Convert.FromHexString(Pick(props, "message_hex"));
            var sig = Convert.FromHexString(Pick(props, "signature_hex"));
            Assert.True(PhxEd25519.Verify(pk, msg, sig));
            Assert.True(Bouncy(pk, msg, sig));
            n++;
        }

        Assert.True(n >= 5);
        foreach (var v in doc.RootElement.GetProperty("negative").EnumerateArray())
        {
            var props = v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            var pk = Convert.FromHexString(Pick(props, "public_key_hex"));
            var msg = Convert.FromHexString(Pick(props, "message_hex"));
            var sig = Convert.FromHexString(Pick(props, "signature_hex"));
            Assert.False(PhxEd25519.Verify(pk, msg, sig));
        }
    }

    // Our rule (strict RFC 8032 + reject small-order A and R, cofactorless). Index = speccheck case.
    // 0-2: a small-order A or R -> reject; 3: mixed-order A and R, valid cofactorless -> accept;
    // 4-5: valid only under the cofactored equation -> reject; 6-7: S >= L -> reject;
    // 8-11: non-canonical R or A encodings -> reject.
    private static readonly bool[] ExpectedSpeccheck = [false, false, false, true, false, false, false, false, false, false, false, false];

    [Fact]
    public void Verify_SpeccheckCases_MatchStrictPolicy()
    {
        var dir = Conformance.VectorsDirectory();
        if (dir is null)
        {
            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "ed25519_speccheck_cases.json")));
        var cases = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(12, cases.Count);
        var verdicts = cases.Select(c => PhxEd25519.Verify(
            Convert.FromHexString(c.GetProperty("pub_key").GetString()!),
            Convert.FromHexString(c.GetProperty("message").GetString()!),
            Convert.FromHexString(c.GetProperty("signature").GetString()!))).ToArray();
        Assert.Equal(ExpectedSpeccheck, verdicts);
    }

    private static string Pick(Dictionary<string, string> props, params string[] names)
        => names.Where(props.ContainsKey).Select(n => props[n]).First();
}
