using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Internal;

/// <summary>Reads and writes the genesis JSON document (snake_case; amounts as "123uphnx"; times as RFC 3339 UTC).</summary>
internal static class GenesisJson
{
    internal static readonly JsonSerializerOptions ParameterOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new RatioConverter(), new UInt128StringConverter() },
    };

    public static byte[] Write(Genesis.Genesis genesis)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("chain_id", genesis.ChainId);
            w.WriteString("genesis_time", FormatTime(genesis.GenesisTime));
            if (genesis.AdminKey is { } admin)
            {
                w.WriteString("admin_key", admin.ToString());
            }

            w.WritePropertyName("parameters");
            JsonSerializer.Serialize(w, genesis.Parameters, ParameterOptions);
            w.WriteStartArray("accounts");
            foreach (var a in genesis.Accounts)
            {
                w.WriteStartObject();
                w.WriteString("address", a.Address.ToString());
                if (a.Label.Length > 0)
                {
                    w.WriteString("label", a.Label);
                }

                WriteBalances(w, a.Balances);
                if (a.Vesting is { } v)
                {
                    w.WriteStartObject("vesting");
                    w.WriteString("total", v.Total.ToString(CultureInfo.InvariantCulture));
                    w.WriteString("start", FormatTime(v.Start));
                    w.WriteString("cliff", FormatTime(v.Cliff));
                    w.WriteString("end", FormatTime(v.End));
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("module_accounts");
            foreach (var m in genesis.ModuleAccounts)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                WriteBalances(w, m.Balances);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("validators");
            foreach (var v in genesis.Validators)
            {
                w.WriteStartObject();
                w.WriteString("consensus_key", v.ConsensusKey.ToString());
                w.WriteString("operator", v.Operator.ToString());
                w.WriteString("jurisdiction", v.Jurisdiction);
                w.WriteNumber("power", v.Power);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("modules");
            foreach (var (name, section) in genesis.Modules.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(name);
                section.WriteTo(w);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static Genesis.Genesis Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement;
            RequireOnly(root, "genesis", "chain_id", "genesis_time", "admin_key", "parameters", "accounts", "module_accounts", "validators", "modules");
            var parameters = root.TryGetProperty("parameters", out var p)
                ? p.Deserialize<ChainParameters>(ParameterOptions) ?? throw new GenesisFormatException("parameters is null.")
                : ChainParameters.Default;
            var accounts = new List<GenesisAccount>();
            foreach (var a in Array(root, "accounts"))
            {
                RequireOnly(a, "account", "address", "label", "balances", "vesting");
                VestingSchedule? vesting = null;
                if (a.TryGetProperty("vesting", out var v) && v.ValueKind != JsonValueKind.Null)
                {
                    RequireOnly(v, "vesting", "total", "start", "cliff", "end");
                    if (!Amount.TryParseValue(String(v, "total"), out var total))
                    {
                        throw new GenesisFormatException("vesting.total is not a canonical amount.");
                    }

                    vesting = new VestingSchedule(total, ParseTime(String(v, "start")), ParseTime(String(v, "cliff")), ParseTime(String(v, "end")));
                }

                accounts.Add(new GenesisAccount(
                    ParseAddress(String(a, "address")),
                    Balances(a),
                    vesting,
                    a.TryGetProperty("label", out var l) ? l.GetString() ?? string.Empty : string.Empty));
            }

            var modules = new List<GenesisModuleAccount>();
            foreach (var m in Array(root, "module_accounts"))
            {
                RequireOnly(m, "module account", "name", "balances");
                modules.Add(new GenesisModuleAccount(String(m, "name"), Balances(m)));
            }

            var validators = new List<GenesisValidator>();
            foreach (var v in Array(root, "validators"))
            {
                RequireOnly(v, "validator", "consensus_key", "operator", "jurisdiction", "power");
                if (!PublicKey.TryParse(String(v, "consensus_key"), null, out var key))
                {
                    throw new GenesisFormatException("validator consensus_key must be 64 hex characters.");
                }

                validators.Add(new GenesisValidator(key, ParseAddress(String(v, "operator")), String(v, "jurisdiction"), v.GetProperty("power").GetInt64()));
            }

            var sections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (root.TryGetProperty("modules", out var ms))
            {
                foreach (var prop in ms.EnumerateObject())
                {
                    sections[prop.Name] = prop.Value.Clone();
                }
            }

            PublicKey? admin = null;
            if (root.TryGetProperty("admin_key", out var ak) && ak.ValueKind != JsonValueKind.Null)
            {
                admin = PublicKey.TryParse(ak.GetString(), null, out var k) ? k : throw new GenesisFormatException("admin_key must be 64 hex characters.");
            }

            return new Genesis.Genesis
            {
                ChainId = String(root, "chain_id"),
                GenesisTime = ParseTime(String(root, "genesis_time")),
                Parameters = parameters,
                AdminKey = admin,
                Accounts = accounts,
                ModuleAccounts = modules,
                Validators = validators,
                Modules = sections,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw new GenesisFormatException("The genesis document is malformed: " + e.Message, e);
        }
    }

    private static void RequireOnly(JsonElement e, string what, params string[] allowed)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new GenesisFormatException($"{what} must be a JSON object.");
        }

        foreach (var prop in e.EnumerateObject())
        {
            if (!allowed.Contains(prop.Name, StringComparer.Ordinal))
            {
                throw new GenesisFormatException($"Unknown field '{prop.Name}' in {what}.");
            }
        }
    }

    private static List<JsonElement> Array(JsonElement e, string name)
        => e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private static string String(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new GenesisFormatException($"Field '{name}' must be a string.");

    private static List<Amount> Balances(JsonElement e)
    {
        var list = new List<Amount>();
        foreach (var b in Array(e, "balances"))
        {
            list.Add(Amount.TryParse(b.GetString(), null, out var amount) ? amount : throw new GenesisFormatException($"'{b}' is not an amount such as 100uphnx."));
        }

        return list;
    }

    private static void WriteBalances(Utf8JsonWriter w, IReadOnlyList<Amount> balances)
    {
        w.WriteStartArray("balances");
        foreach (var b in balances)
        {
            w.WriteStringValue(b.ToString());
        }

        w.WriteEndArray();
    }

    private static Address ParseAddress(string s)
        => Address.TryParse(s, null, out var a) ? a : throw new GenesisFormatException($"'{s}' is not a phx address.");

    internal static string FormatTime(Timestamp t)
        => DateTimeOffset.FromUnixTimeSeconds(t.Seconds).AddTicks(t.Nanos / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static Timestamp ParseTime(string s)
        => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? Timestamp.FromDateTimeOffset(d)
            : throw new GenesisFormatException($"'{s}' is not an RFC 3339 time.");

    private sealed class RatioConverter : JsonConverter<Ratio>
    {
        public override Ratio Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => Ratio.TryParse(reader.GetString(), null, out var r) ? r : throw new JsonException("A ratio is a string 'n/d'.");

        public override void Write(Utf8JsonWriter writer, Ratio value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class UInt128StringConverter : JsonConverter<UInt128>
    {
        public override UInt128 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => Amount.TryParseValue(reader.GetString(), out var v) ? v : throw new JsonException("A 128-bit amount is a canonical decimal string.");

        public override void Write(Utf8JsonWriter writer, UInt128 value, JsonSerializerOptions options)
            => writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
