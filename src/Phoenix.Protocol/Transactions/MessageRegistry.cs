using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Transactions;

/// <summary>Converts a wire message to its domain form, validating it without state (lengths, formats, non-zero amounts).</summary>
/// <typeparam name="T">The domain message type.</typeparam>
/// <param name="wire">The wire message (its oneof case is the registered one).</param>
/// <param name="message">The domain message when valid.</param>
/// <param name="error">Why it is invalid.</param>
/// <returns>Whether the message is valid.</returns>
public delegate bool MessageConverter<T>(Message wire, out T? message, out string error)
    where T : class, ITxMessage;

/// <summary>Executes a domain message against state. Failure results roll back the whole transaction.</summary>
/// <typeparam name="T">The domain message type.</typeparam>
/// <param name="context">The transaction's execution context (state, block, signer, events).</param>
/// <param name="message">The message.</param>
/// <returns>Success or a typed failure.</returns>
public delegate TxResult MessageHandler<in T>(ModuleContext context, T message)
    where T : class, ITxMessage;

/// <summary>
/// The registry of message types: each oneof case of <see cref="Message"/> maps to one converter and
/// one handler. A transaction with a message whose case is not registered fails decoding with
/// <see cref="TxErrors.UnknownMessageType"/>.
/// </summary>
/// <remarks>Filled while the application is built, then read-only (thread-safe for reads).</remarks>
public sealed class MessageRegistry
{
    private readonly Dictionary<Message.SumOneofCase, Entry> _entries = [];
    private readonly Dictionary<Type, Entry> _byType = [];

    internal sealed record Entry(
        string TypeName,
        Func<Message, (ITxMessage? Message, string Error)> Convert,
        Func<ModuleContext, ITxMessage, TxResult> Handle,
        string Module);

    /// <summary>Registers a message type.</summary>
    /// <typeparam name="T">The domain message type.</typeparam>
    /// <param name="kind">The oneof case (the message type id).</param>
    /// <param name="typeName">A stable type name such as <c>bank/send</c>.</param>
    /// <param name="converter">Wire-to-domain conversion with stateless validation.</param>
    /// <param name="handler">The state transition.</param>
    /// <param name="module">The owning module's name.</param>
    /// <exception cref="ArgumentException">The case is <see cref="Message.SumOneofCase.None"/> or already registered.</exception>
    public void Register<T>(Message.SumOneofCase kind, string typeName, MessageConverter<T> converter, MessageHandler<T> handler, string module)
        where T : class, ITxMessage
    {
        ArgumentNullException.ThrowIfNull(converter);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        if (kind == Message.SumOneofCase.None || _entries.ContainsKey(kind))
        {
            throw new ArgumentException($"Message type {kind} is invalid or already registered.", nameof(kind));
        }

        if (_byType.ContainsKey(typeof(T)))
        {
            throw new ArgumentException($"Domain type {typeof(T).Name} is already registered.", nameof(kind));
        }

        var entry = new Entry(
            typeName,
            wire => converter(wire, out var m, out var e) ? (m, string.Empty) : (null, e),
            (ctx, m) => handler(ctx, (T)m),
            module);
        _entries[kind] = entry;
        _byType[typeof(T)] = entry;
    }

    /// <summary>Whether a message type is registered.</summary>
    /// <param name="kind">The oneof case.</param>
    /// <returns>Whether it is known.</returns>
    public bool IsRegistered(Message.SumOneofCase kind) => _entries.ContainsKey(kind);

    /// <summary>The registered type names.</summary>
    public IReadOnlyCollection<string> TypeNames => [.. _entries.Values.Select(e => e.TypeName)];

    internal bool TryGet(Message.SumOneofCase kind, out Entry entry) => _entries.TryGetValue(kind, out entry!);

    internal TxResult Execute(ModuleContext context, ITxMessage message)
    {
        return _byType.TryGetValue(message.GetType(), out var entry)
            ? entry.Handle(context, message)
            : TxResult.Fail(TxErrors.UnknownMessageType, message.TypeName);
    }
}
