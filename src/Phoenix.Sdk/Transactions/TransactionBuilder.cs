using Google.Protobuf;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.Sdk.Transactions.Internal;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Transactions;

/// <summary>
/// Builds and signs one Phoenix transaction: messages (<see cref="Transfer(Address, Amount)"/>, or any
/// <see cref="ITxMessage"/> through <see cref="AddMessage"/>), fee, memo, timeout height and sequence;
/// <see cref="Sign(Wallet)"/> produces an immutable <see cref="SignedTransaction"/>.
/// </summary>
/// <remarks>
/// <para>The signature covers the canonical <c>SignDoc</c> of the body and auth-info bytes exactly as they
/// are sent (ADR-020 <c>TxRaw</c>), and the result is decoded back through the protocol's strict decoder,
/// so a transaction this builder signs is byte-for-byte what the node checks.</para>
/// <para>Not thread-safe: one builder per transaction (or per thread). The built
/// <see cref="SignedTransaction"/> is immutable and may be shared. When no sequence is set,
/// <see cref="Client.PhoenixClient.SendAsync"/> fills it in from the account's <see cref="SequenceManager"/>.</para>
/// </remarks>
public sealed class TransactionBuilder
{
    private readonly List<Func<Message>> _messages = [];
    private readonly string _chainId;
    private Amount? _fee;
    private string _memo = string.Empty;
    private ulong _timeoutHeight;
    private ulong? _sequence;

    /// <summary>Creates a builder for a chain.</summary>
    /// <param name="chainId">The chain id (for example <c>phoenix-1</c>); must match the node's.</param>
    /// <exception cref="ArgumentException"><paramref name="chainId"/> is null, empty or whitespace.</exception>
    public TransactionBuilder(string chainId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainId);
        _chainId = chainId;
    }

    /// <summary>The number of messages added so far.</summary>
    public int MessageCount => _messages.Count;

    /// <summary>The sequence set with <see cref="WithSequence"/>, or <see langword="null"/> when it is to be filled in automatically.</summary>
    public ulong? Sequence => _sequence;

    /// <summary>Adds a bank transfer of one amount from the signer to <paramref name="to"/>.</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="amount">A non-zero amount of a transferable denomination (PHNX or SPARK).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The amount is zero, or its denomination cannot be transferred (bTASK).</exception>
    public TransactionBuilder Transfer(Address to, Amount amount)
    {
        if (amount.IsZero)
        {
            throw new ArgumentException("A transfer amount must be non-zero.", nameof(amount));
        }

        if (!amount.Denom.IsTransferable)
        {
            throw new ArgumentException($"{amount.Denom.Name} is not transferable.", nameof(amount));
        }

        return AddMessage(new SendMessage(to, [amount]));
    }

    /// <summary>Adds any protocol message (typed helpers for staking, tasks and governance build on this).</summary>
    /// <param name="message">A domain message that has a wire form (<c>ToWire()</c>), such as <see cref="SendMessage"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The message type has no public <c>ToWire()</c> method returning a wire <see cref="Message"/>.</exception>
    public TransactionBuilder AddMessage(ITxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var toWire = message.GetType().GetMethod("ToWire", Type.EmptyTypes);
        if (toWire is null || toWire.ReturnType != typeof(Message))
        {
            throw new ArgumentException($"{message.GetType().Name} has no public ToWire() returning a wire Message.", nameof(message));
        }

        _messages.Add(() => (Message)toWire.Invoke(message, null)!);
        return this;
    }

    /// <summary>Sets the fee, paid in PHNX or SPARK even when the messages fail.</summary>
    /// <param name="fee">The fee.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The fee is in bTASK, which cannot pay fees.</exception>
    public TransactionBuilder WithFee(Amount fee)
    {
        if (fee.Denom == Denom.BTask)
        {
            throw new ArgumentException("Fees are paid in PHNX or SPARK.", nameof(fee));
        }

        _fee = fee;
        return this;
    }

    /// <summary>Sets the memo (at most 256 UTF-8 bytes under the default chain parameters).</summary>
    /// <param name="memo">The memo.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memo"/> is <see langword="null"/>.</exception>
    public TransactionBuilder WithMemo(string memo)
    {
        ArgumentNullException.ThrowIfNull(memo);
        _memo = memo;
        return this;
    }

    /// <summary>Makes the transaction invalid in blocks above <paramref name="height"/> (0: never times out).</summary>
    /// <param name="height">The last height at which it may be included.</param>
    /// <returns>This builder.</returns>
    public TransactionBuilder WithTimeoutHeight(ulong height)
    {
        _timeoutHeight = height;
        return this;
    }

    /// <summary>Sets the signer's sequence number explicitly.</summary>
    /// <param name="sequence">The account's next sequence.</param>
    /// <returns>This builder.</returns>
    public TransactionBuilder WithSequence(ulong sequence)
    {
        _sequence = sequence;
        return this;
    }

    /// <summary>Clears an explicit sequence, so <see cref="Client.PhoenixClient.SendAsync"/> fills it in.</summary>
    /// <returns>This builder.</returns>
    public TransactionBuilder WithAutomaticSequence()
    {
        _sequence = null;
        return this;
    }

    /// <summary>Signs the transaction with the sequence set by <see cref="WithSequence"/>.</summary>
    /// <param name="wallet">The signer.</param>
    /// <returns>The signed, decoded transaction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No message, no fee, or no sequence (use <see cref="Sign(Wallet, ulong)"/> or <see cref="Client.PhoenixClient.SendAsync"/>).</exception>
    /// <exception cref="TransactionRejectedException">The protocol's decoder rejects the result (for example a memo that is too long); the code says why.</exception>
    public SignedTransaction Sign(Wallet wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return _sequence is { } sequence
            ? Sign(wallet, sequence)
            : throw new InvalidOperationException("No sequence set: call WithSequence(n), or send through PhoenixClient.SendAsync, which reads it from the node.");
    }

    /// <summary>Signs the transaction with the given sequence (overriding <see cref="WithSequence"/>).</summary>
    /// <param name="wallet">The signer.</param>
    /// <param name="sequence">The signer's sequence number.</param>
    /// <returns>The signed, decoded transaction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No message or no fee.</exception>
    /// <exception cref="TransactionRejectedException">The protocol's decoder rejects the result; the code says why.</exception>
    public SignedTransaction Sign(Wallet wallet, ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        if (_messages.Count == 0)
        {
            throw new InvalidOperationException("A transaction needs at least one message (for example Transfer).");
        }

        if (_fee is not { } fee)
        {
            throw new InvalidOperationException("No fee set: call WithFee(amount).");
        }

        var body = new TxBody { ChainId = _chainId, Memo = _memo, TimeoutHeight = _timeoutHeight };
        foreach (var message in _messages)
        {
            body.Messages.Add(message());
        }

        var auth = new AuthInfo
        {
            SignerPublicKey = ByteString.CopyFrom(wallet.PublicKey.Span),
            Sequence = sequence,
            Fee = TxEncoding.ToCoin(fee),
        };
        var bodyBytes = body.ToByteArray();
        var authBytes = auth.ToByteArray();
        var signature = wallet.Sign(TxEncoding.SignBytes(bodyBytes, authBytes));
        var raw = new TxRaw
        {
            BodyBytes = ByteString.CopyFrom(bodyBytes),
            AuthInfoBytes = ByteString.CopyFrom(authBytes),
            Signature = ByteString.CopyFrom(signature),
        }.ToByteArray();
        return Decode(raw);
    }

    /// <summary>Decodes signed transaction bytes with the protocol's strict decoder.</summary>
    /// <param name="raw">The <c>TxRaw</c> bytes.</param>
    /// <returns>The transaction.</returns>
    /// <exception cref="TransactionRejectedException">The bytes are not a valid transaction; the code says why.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> raw)
    {
        var decoded = SdkTxDecoder.Instance.Decode(raw);
        return decoded.IsOk
            ? decoded.Transaction!
            : throw new TransactionRejectedException(decoded.Code.Code, decoded.Code.Codespace, decoded.Log);
    }
}
