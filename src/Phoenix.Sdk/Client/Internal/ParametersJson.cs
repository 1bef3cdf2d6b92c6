using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client.Internal;

/// <summary>Reads the node's <c>/params</c> JSON (snake_case, ratios as <c>"n/d"</c>, 128-bit amounts as decimal strings); unknown members are skipped so a newer chain still parses.</summary>
internal static class ParametersJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters = { new RatioConverter(), new UInt128Converter() },
    };

    private sealed class RatioConverter : JsonConverter<Ratio>
    {
        public override Ratio Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => Ratio.TryParse(reader.GetString(), CultureInfo.InvariantCulture, out var r) ? r : throw new JsonException("A ratio is a string 'n/d'.");

        public override void Write(Utf8JsonWriter writer, Ratio value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class UInt128Converter : JsonConverter<UInt128>
    {
        public override UInt128 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => Amount.TryParseValue(reader.GetString(), out var v) ? v : throw new JsonException("A 128-bit amount is a canonical decimal string.");

        public override void Write(Utf8JsonWriter writer, UInt128 value, JsonSerializerOptions options)
            => writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
