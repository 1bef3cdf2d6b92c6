using System.Text.Json;
using Google.Protobuf;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Transactions;

/// <summary>
/// Vectors/invalid_txs.json: transactions the decoder must reject, each with the expected reason.
/// Regenerate with PHX_REGENERATE_VECTORS=1 (writes the file into the source tree); the test then
/// checks the committed file against the decoder.
/// </summary>
public class InvalidTxVectorTests
{
    private static IEnumerable<(string Name, byte[] Bytes, ResultCode Expected)> Generate()
    {
        var good = Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(10, Denom.Phnx).Signed();
        TxRaw Raw() => TxRaw.Parser.ParseFrom(good);
        yield return ("trailing_zero_byte", [.. good, 0], TxErrors.Malformed);
        yield return ("trailing_empty_field", [.. good, 0x1a, 0x00], TxErrors.NonCanonical);
        yield return ("unknown_envelope_field", [.. good, 0x78, 0x01], TxErrors.NonCanonical);
        var r1 = Raw();
        r1.BodyBytes = ByteString.CopyFrom([.. r1.BodyBytes.ToByteArray(), 0x12, 0x03, 0xb2, 0x09, 0x00]);
        yield return ("unknown_message_type_150", r1.ToByteArray(), TxErrors.UnknownMessageType);
        var r2 = Raw();
        r2.Signature = ByteString.CopyFrom(new byte[63]);
        yield return ("short_signature", r2.ToByteArray(), TxErrors.InvalidSignature);
        var r3 = Raw();
        var auth = AuthInfo.Parser.ParseFrom(r3.AuthInfoBytes);
        auth.SignerPublicKey = ByteString.CopyFrom(new byte[31]);
        r3.AuthInfoBytes = auth.ToByteString();
        yield return ("short_public_key", r3.ToByteArray(), TxErrors.InvalidPublicKey);
        var r4 = Raw();
        var auth4 = AuthInfo.Parser.ParseFrom(r4.AuthInfoBytes);
        auth4.Fee.Denom = "ubtask";
        r4.AuthInfoBytes = auth4.ToByteString();
        yield return ("fee_in_btask", r4.ToByteArray(), TxErrors.InvalidFee);
        var r5 = Raw();
        var body5 = TxBody.Parser.ParseFrom(r5.BodyBytes);
        body5.Messages.Clear();
        r5.BodyBytes = body5.ToByteString();
        yield return ("no_messages", r5.ToByteArray(), TxErrors.InvalidMessageCount);
        yield return ("memo_too_long", Build.A.Transfer.Memo(new string('x', 257)).Signed(), TxErrors.MemoTooLong);
        yield return ("zero_amount", Build.A.Transfer.Amount(0, Denom.Spark).Signed(), TxErrors.InvalidMessage);
        yield return ("garbage", [0xff, 0xff, 0xff, 0xff], TxErrors.Malformed);
        yield return ("oversized", new byte[65_537], TxErrors.TxTooLarge);
    }

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.Combine(Path.GetDirectoryName(path)!, "..", "Vectors", "invalid_txs.json");

    [Fact]
    public void Vectors_InvalidTxs_RejectedWithExpectedReason()
    {
        if (Environment.GetEnvironmentVariable("PHX_REGENERATE_VECTORS") == "1")
        {
            var doc = Generate().Select(v => new Dictionary<string, string>
            {
                ["name"] = v.Name,
                ["tx_hex"] = v.Bytes.Length > 1000 ? $"zeros:{v.Bytes.Length}" : Convert.ToHexStringLower(v.Bytes),
                ["codespace"] = v.Expected.Codespace,
                ["reason"] = v.Expected.Name,
            });
            File.WriteAllText(SourcePath(), JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var decoder = new PhoenixApplicationBuilder().Build().Decoder;
        using var vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vectors", "invalid_txs.json")));
        var count = 0;
        foreach (var v in vectors.RootElement.EnumerateArray())
        {
            var hex = v.GetProperty("tx_hex").GetString()!;
            var bytes = hex.StartsWith("zeros:", StringComparison.Ordinal) ? new byte[int.Parse(hex[6..])] : Convert.FromHexString(hex);
            var result = decoder.Decode(bytes);
            Assert.False(result.IsOk);
            Assert.Equal((v.GetProperty("codespace").GetString(), v.GetProperty("reason").GetString()), (result.Code.Codespace, result.Code.Name));
            count++;
        }

        Assert.Equal(Generate().Count(), count);
    }
}
