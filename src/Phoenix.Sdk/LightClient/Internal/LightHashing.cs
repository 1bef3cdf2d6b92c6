using System.Security.Cryptography;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.LightClient.Internal;

/// <summary>CometBFT's RFC 6962-style Merkle tree: leaf = H(0x00 || item), inner = H(0x01 || l || r), empty = H("").</summary>
internal static class LightMerkle
{
    public static byte[] Root(IReadOnlyList<byte[]> items) => Range(items, 0, items.Count);

    private static byte[] Range(IReadOnlyList<byte[]> items, int start, int count)
    {
        switch (count)
        {
            case 0:
                return SHA256.HashData(ReadOnlySpan<byte>.Empty);
            case 1:
                return SHA256.HashData([0, .. items[start]]);
            default:
                var k = 1;
                while (k * 2 < count)
                {
                    k *= 2;
                }

                return SHA256.HashData([1, .. Range(items, start, k), .. Range(items, start + k, count - k)]);
        }
    }
}

/// <summary>The canonical encodings a light client checks signatures over.</summary>
internal static class LightHashing
{
    /// <summary>CometBFT's <c>SignedMsgType</c> of a precommit.</summary>
    private const ulong PrecommitType = 2;

    public static byte[] TimestampProto(Timestamp time) => new LightProtoWriter().Int64(1, time.Seconds).Int64(2, time.Nanos).ToArray();

    /// <summary>CanonicalVote{type=2, height, round, block_id (omitted when nil), timestamp, chain_id}, length-prefixed.</summary>
    public static byte[] PrecommitSignBytes(string chainId, long height, int round, LightBlockIdData? blockId, Timestamp timestamp)
    {
        var w = new LightProtoWriter().Varint(1, PrecommitType).SFixed64(2, height).SFixed64(3, round);
        if (blockId is { IsNil: false })
        {
            w.Message(4, blockId.ToProto());
        }

        return w.Message(5, TimestampProto(timestamp)).String(6, chainId).ToDelimitedArray();
    }
}
