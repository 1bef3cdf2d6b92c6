using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Sdk.Client.Internal;
using Phoenix.Sdk.Resilience;
using Phoenix.Sdk.Transactions;
using Phoenix.Sdk.Wallets;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>
    /// Submits a signed transaction. Idempotent by transaction hash: after a transport failure the retry
    /// first looks the hash up (a committed transaction is reported, not resent), and a node answering
    /// "already known" counts as success.
    /// </summary>
    /// <param name="transaction">The signed transaction.</param>
    /// <param name="mode">Return after CheckTx (<see cref="BroadcastMode.Sync"/>) or after commit (<see cref="BroadcastMode.Commit"/>).</param>
    /// <param name="cancellationToken">Cancels the call (the node may still have received the transaction).</param>
    /// <returns>The hash, and in commit mode the height and result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transaction"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">CheckTx refused it, or it executed with a failure code (the fee was still charged);
    /// <see cref="TransactionRejectedException.IsSequenceMismatch"/> tells a stale sequence.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BroadcastResult> BroadcastAsync(SignedTransaction transaction, BroadcastMode mode = BroadcastMode.Sync, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var hash = transaction.Hash;
        var request = new Wire.BroadcastTxRequest
        {
            Tx = ByteString.CopyFrom(transaction.Raw.Span),
            Mode = mode == BroadcastMode.Commit ? Wire.BroadcastMode.Commit : Wire.BroadcastMode.Sync,
        };
        var attempts = 0;
        return await Pipeline.ExecuteAsync(
            async (uri, token) =>
            {
                var node = GetNode(uri);
                if (Interlocked.Increment(ref attempts) > 1 && await LookUpCommittedAsync(node, hash, token).ConfigureAwait(false) is { } done)
                {
                    // An earlier attempt got through and the transaction is already in a block.
                    return done;
                }

                var response = await node.Api.BroadcastTxAsync(request, cancellationToken: token).ConfigureAwait(false);
                return ToResult(response, hash);
            },
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Signs and submits a transaction from <paramref name="wallet"/>, filling in the sequence through the
    /// account's <see cref="SequenceManager"/> unless the builder sets one; a sequence mismatch is recovered
    /// once by re-reading the account.
    /// </summary>
    /// <param name="wallet">The signer.</param>
    /// <param name="transaction">The unsigned transaction (messages, fee, memo).</param>
    /// <param name="mode">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The broadcast result.</returns>
    /// <remarks>Sends from one account are serialized (sequence order); in <see cref="BroadcastMode.Commit"/>
    /// mode the next send from the same account waits for this commit.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The node rejected the transaction.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BroadcastResult> SendAsync(Wallet wallet, TransactionBuilder transaction, BroadcastMode mode = BroadcastMode.Commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Sequence is { } fixedSequence)
        {
            return await BroadcastAsync(transaction.Sign(wallet, fixedSequence), mode, cancellationToken).ConfigureAwait(false);
        }

        return await GetSequenceManager(wallet.Address).SendAsync(
            (sequence, token) => BroadcastAsync(transaction.Sign(wallet, sequence), mode, token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Transfers an amount from <paramref name="wallet"/> to <paramref name="to"/>, paying <see cref="DefaultFee"/>, and waits for the commit.</summary>
    /// <param name="wallet">The sender.</param>
    /// <param name="to">The recipient.</param>
    /// <param name="amount">The amount (PHNX or SPARK, non-zero).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="wallet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The amount is zero or not transferable.</exception>
    /// <exception cref="TransactionRejectedException">The node rejected the transfer (for example insufficient funds).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BroadcastResult> TransferAsync(Wallet wallet, Address to, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var chainId = await GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        var builder = new TransactionBuilder(chainId).Transfer(to, amount).WithFee(_defaultFee);
        return await SendAsync(wallet, builder, BroadcastMode.Commit, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetChainIdAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _chainId) is { } known)
        {
            return known;
        }

        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _chainId, status.ChainId);
        return status.ChainId;
    }

    private string? _chainId;

    private static async ValueTask<BroadcastResult?> LookUpCommittedAsync(Node node, Hash32 hash, CancellationToken token)
    {
        try
        {
            var tx = await GetTxCoreAsync(node, hash, token).ConfigureAwait(false);
            if (tx.Pending || tx.Result is null)
            {
                return null;
            }

            return tx.Result.IsSuccess
                ? new BroadcastResult(hash, AlreadyKnown: true, Committed: true, tx.Height, tx.Result)
                : throw WireMapping.Rejected(tx.Result.Code, tx.Result.Codespace, tx.Result.Log, hash);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }
    }

    private static BroadcastResult ToResult(Wire.BroadcastTxResponse response, Hash32 hash)
    {
        if (response.Admission is not (Wire.AdmissionStatus.Accepted or Wire.AdmissionStatus.AlreadyKnown))
        {
            var codespace = string.IsNullOrEmpty(response.CheckCodespace) ? "mempool" : response.CheckCodespace;
            var log = string.IsNullOrEmpty(response.CheckLog) ? response.Admission.ToString() : response.CheckLog;
            throw WireMapping.Rejected(response.CheckCode, codespace, log, hash);
        }

        var alreadyKnown = response.Admission == Wire.AdmissionStatus.AlreadyKnown;
        if (!response.Committed)
        {
            return new BroadcastResult(hash, alreadyKnown, Committed: false, 0, null);
        }

        var result = WireMapping.Result(response.Result);
        return result.IsSuccess
            ? new BroadcastResult(hash, alreadyKnown, Committed: true, response.Height, result)
            : throw WireMapping.Rejected(result.Code, result.Codespace, result.Log, hash);
    }
}
