namespace Phoenix.Sdk.Wallets;

/// <summary>
/// Hands out an account's transaction sequence numbers to concurrent senders and recovers from a
/// sequence mismatch reported by the node.
/// </summary>
/// <remarks>
/// <para>
/// A node admits an account's transactions only in sequence order, so <see cref="SendAsync{TResult}"/>
/// runs its delegates one at a time per account, in the order the sequences are handed out. Pass a
/// delegate that signs with the given sequence and returns once the node has admitted (CheckTx) or
/// rejected the transaction; wait for block inclusion outside it, so other senders are not held up.
/// </para>
/// <para>
/// The first call reads the sequence from the <see cref="IAccountSequenceSource"/>; after that the
/// manager counts locally. When the node answers with a sequence mismatch
/// (<see cref="TransactionRejectedException.IsSequenceMismatch"/>), the manager re-reads the sequence
/// and retries the delegate once with the new number; a second mismatch is thrown to the caller.
/// After any other failure of the delegate the local count is no longer trusted (the node may or may
/// not have consumed the sequence), so the next call re-reads it.
/// </para>
/// <para>Thread-safe. One instance per account per process: two managers (or processes) sending from
/// the same account will keep invalidating each other.</para>
/// </remarks>
public sealed class SequenceManager : IDisposable
{
    private readonly IAccountSequenceSource _source;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ulong _next;
    private bool _known;

    /// <summary>Creates a manager for one account.</summary>
    /// <param name="address">The 20-byte account address.</param>
    /// <param name="source">Where to read the account's sequence from.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not 20 bytes.</exception>
    public SequenceManager(ReadOnlyMemory<byte> address, IAccountSequenceSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (address.Length != Wallet.AddressSize)
        {
            throw new ArgumentException($"An address is {Wallet.AddressSize} bytes; got {address.Length}.", nameof(address));
        }

        Address = address.ToArray();
        _source = source;
    }

    /// <summary>The account address.</summary>
    public ReadOnlyMemory<byte> Address { get; }

    /// <summary>
    /// Runs <paramref name="send"/> with the account's next sequence number, exclusively for this
    /// account, and retries it once with a re-read sequence if the node reports a sequence mismatch.
    /// </summary>
    /// <typeparam name="TResult">What the delegate returns (for example the broadcast result).</typeparam>
    /// <param name="send">Signs a transaction with the given sequence and submits it; throws
    /// <see cref="TransactionRejectedException"/> when the node rejects it.</param>
    /// <param name="cancellationToken">Cancels waiting for the account and is passed to the delegate.</param>
    /// <returns>The delegate's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="send"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The node rejected the transaction (including a second sequence mismatch).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TResult> SendAsync<TResult>(Func<ulong, CancellationToken, Task<TResult>> send, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                return await SendOnceAsync(send, cancellationToken).ConfigureAwait(false);
            }
            catch (TransactionRejectedException e) when (e.IsSequenceMismatch)
            {
                return await SendOnceAsync(send, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the locally counted sequence, so the next send re-reads it from the node.</summary>
    /// <param name="cancellationToken">Cancels waiting for a send in progress.</param>
    /// <returns>A task that completes once the count is forgotten.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _known = false;
        _gate.Release();
    }

    /// <summary>Releases the manager's lock object. Call it only when no send is in progress.</summary>
    public void Dispose() => _gate.Dispose();

    private async Task<TResult> SendOnceAsync<TResult>(Func<ulong, CancellationToken, Task<TResult>> send, CancellationToken cancellationToken)
    {
        if (!_known)
        {
            _next = await _source.GetSequenceAsync(Address, cancellationToken).ConfigureAwait(false);
            _known = true;
        }

        var sequence = _next;
        try
        {
            var result = await send(sequence, cancellationToken).ConfigureAwait(false);
            _next = sequence + 1;
            return result;
        }
        catch
        {
            // The node may or may not have consumed the sequence: re-read it next time.
            _known = false;
            throw;
        }
    }
}
