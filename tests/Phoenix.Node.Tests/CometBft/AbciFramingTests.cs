using System.Buffers;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Node.CometBft.Wire.V038;

namespace Phoenix.Node.Tests.CometBft;

public sealed class AbciFramingTests
{
    // Frame examples from shared/reference/abci-and-tendermint.md §1.3 and the derived vectors.
    public static TheoryData<string, IMessage> ReferenceFrames() => new()
    {
        { "021200", new Request { Flush = new RequestFlush() } },
        { "021a00", new Response { Flush = new ResponseFlush() } },
        { "090a070a0568656c6c6f", new Request { Echo = new RequestEcho { Message = "hello" } } },
        { "151a130a06302e33382e30100b18082205322e302e30", new Request { Info = new RequestInfo { Version = "0.38.0", BlockVersion = 11, P2PVersion = 8, AbciVersion = "2.0.0" } } },
        { "025a00", new Request { Commit = new RequestCommit() } },
        { "0462021805", new Response { Commit = new ResponseCommit { RetainHeight = 5 } } },
        { "19a201160a037478310a037478321200280732060880e2cfaa06", FinalizeBlockFrame() },
    };

    [Theory]
    [MemberData(nameof(ReferenceFrames))]
    public void Encode_ReferenceMessage_MatchesGoldenBytes(string expectedHex, IMessage message) =>
        Assert.Equal(expectedHex, Convert.ToHexStringLower(AbciFraming.Encode(message)));

    [Theory]
    [MemberData(nameof(ReferenceFrames))]
    public void TryReadFrame_GoldenBytes_YieldsPayloadOfMessage(string hex, IMessage message)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        Assert.Equal(FrameReadStatus.Complete, AbciFraming.TryReadFrame(ref buffer, 1 << 20, out var payload, out var length));
        Assert.Equal((ulong)message.CalculateSize(), length);
        Assert.Equal(message.ToByteArray(), payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void ConformanceFrames_WhenPresent_RoundTripByteExactly()
    {
        var file = ConformanceFile("cometbft_derived_encodings.json");
        if (file is null)
        {
            return; // shared/conformance is not present: the data-driven part is skipped.
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var frames = doc.RootElement.GetProperty("abci_socket_frames").GetProperty("frames").EnumerateArray().ToArray();
        Assert.NotEmpty(frames);
        foreach (var frame in frames)
        {
            var name = frame.GetProperty("name").GetString()!;
            var bytes = Convert.FromHexString(frame.GetProperty("expected_hex").GetString()!);
            var buffer = new ReadOnlySequence<byte>(bytes);
            Assert.Equal(FrameReadStatus.Complete, AbciFraming.TryReadFrame(ref buffer, 1 << 20, out var payload, out _));
            Assert.True(buffer.IsEmpty, $"{name}: trailing bytes after the frame");
            IMessage message = name.StartsWith("Request", StringComparison.Ordinal) ? Request.Parser.ParseFrom(payload) : Response.Parser.ParseFrom(payload);
            Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(AbciFraming.Encode(message)));
        }
    }

    [Property]
    public void TryReadFrame_AnyPayloadAnyPrefix_IncompleteUntilWholeFrame(byte[] payload, NonNegativeInt cut)
    {
        payload ??= [];
        var w = new ArrayBufferWriter<byte>();
        AbciFraming.WriteUvarint(w, (ulong)payload.Length);
        byte[] frame = [.. w.WrittenSpan, .. payload, 0xAA]; // one byte of the next frame
        var prefixLength = cut.Get % (frame.Length - 1);

        var prefix = new ReadOnlySequence<byte>(frame, 0, prefixLength);
        Assert.Equal(FrameReadStatus.Incomplete, AbciFraming.TryReadFrame(ref prefix, int.MaxValue, out _, out _));

        var whole = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameReadStatus.Complete, AbciFraming.TryReadFrame(ref whole, int.MaxValue, out var read, out _));
        Assert.Equal(payload, read.ToArray());
        Assert.Equal([0xAA], whole.ToArray());
    }

    [Property]
    public void WriteUvarint_AnyValue_MatchesProtobufVarint(ulong value)
    {
        var w = new ArrayBufferWriter<byte>();
        AbciFraming.WriteUvarint(w, value);
        var expected = new byte[CodedOutputStream.ComputeUInt64Size(value)];
        var cos = new CodedOutputStream(expected);
        cos.WriteUInt64(value);
        cos.Flush();
        Assert.Equal(expected, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void TryReadFrame_LengthAboveLimit_IsOversizedBeforePayloadArrives()
    {
        var buffer = new ReadOnlySequence<byte>([0x81, 0x08]); // 1025
        Assert.Equal(FrameReadStatus.Oversized, AbciFraming.TryReadFrame(ref buffer, 1024, out _, out var length));
        Assert.Equal(1025UL, length);
    }

    [Fact]
    public void TryReadFrame_ElevenByteVarint_IsMalformed()
    {
        var buffer = new ReadOnlySequence<byte>(Enumerable.Repeat((byte)0x80, 10).Append((byte)0x01).ToArray());
        Assert.Equal(FrameReadStatus.Malformed, AbciFraming.TryReadFrame(ref buffer, int.MaxValue, out _, out _));
    }

    internal static string? ConformanceFile(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Phoenix.sln")))
        {
            dir = dir.Parent;
        }

        var path = dir is null ? null : Path.Combine(dir.FullName, "..", "shared", "conformance", "vectors", name);
        return path is not null && File.Exists(path) ? path : null;
    }

    private static Request FinalizeBlockFrame()
    {
        var fb = new RequestFinalizeBlock { DecidedLastCommit = new CommitInfo(), Height = 7, Time = new Timestamp { Seconds = 1_700_000_000 } };
        fb.Txs.Add(ByteString.CopyFromUtf8("tx1"));
        fb.Txs.Add(ByteString.CopyFromUtf8("tx2"));
        return new Request { FinalizeBlock = fb };
    }
}
