using System.Buffers.Binary;
using System.Text;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tasks.Internal;

/// <summary>
/// The task market's state keys (the layout of <c>Phoenix.Protocol.Modules.Tasks.Internal.TaskStore</c>):
/// <c>tasks/</c> + tag + big-endian ids. Read through <c>/store/key</c> so answers carry state proofs.
/// </summary>
/// <remarks>The SDK's tests read records through these keys from a real node and compare them with the module's own accessors, so a layout change fails a test.</remarks>
internal static class TaskKeys
{
    private const string Prefix = "tasks/";

    public static byte[] Task(ulong id) => Key("t", id);

    public static byte[] Batch(ulong id) => Key("b", id);

    public static byte[] Dispute(ulong id) => Key("d", id);

    public static byte[] Unit(ulong task, uint unit) => Key("u", task, unit);

    public static byte[] Counter(string name) => Key("n" + name);

    public static byte[] Credit(Address address)
    {
        var key = new byte[Prefix.Length + 1 + Address.Length];
        Encoding.ASCII.GetBytes(Prefix + "r", key);
        address.TryWriteBytes(key.AsSpan(Prefix.Length + 1));
        return key;
    }

    private static byte[] Key(string tag, params ulong[] ids)
    {
        var key = new byte[Prefix.Length + tag.Length + (8 * ids.Length)];
        Encoding.ASCII.GetBytes(Prefix + tag, key);
        for (var i = 0; i < ids.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length + tag.Length + (8 * i)), ids[i]);
        }

        return key;
    }
}
