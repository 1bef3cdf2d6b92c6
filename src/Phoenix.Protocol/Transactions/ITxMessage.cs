using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Transactions;

/// <summary>
/// An immutable, validated domain message converted from its wire form (<see cref="Message"/>).
/// Each module defines its messages as records implementing this interface and registers them in
/// the <see cref="MessageRegistry"/>.
/// </summary>
public interface ITxMessage
{
    /// <summary>The registered type name, such as <c>bank/send</c> (used in events and logs).</summary>
    string TypeName { get; }
}
