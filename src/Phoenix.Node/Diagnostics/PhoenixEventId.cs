namespace Phoenix.Node.Diagnostics;

/// <summary>
/// The stable <see cref="Microsoft.Extensions.Logging.EventId"/> numbers of every log message the node writes,
/// one range per component, so operators can filter and alert on them.
/// </summary>
/// <remarks>
/// Ids are never reused: a retired id keeps its line here as a comment. Ranges:
/// 1000–1999 consensus, 2000–2999 mempool, 3000–3999 storage, 4000–4999 API and blob service.
/// </remarks>
public static class PhoenixEventId
{
    /// <summary>First id of the consensus range (1000–1999, owned by the consensus engines).</summary>
    public const int ConsensusBase = 1000;

    /// <summary>First id of the mempool range (2000–2999).</summary>
    public const int MempoolBase = 2000;

    /// <summary>First id of the storage range (3000–3999).</summary>
    public const int StorageBase = 3000;

    /// <summary>First id of the API range (4000–4999).</summary>
    public const int ApiBase = 4000;

    // Mempool (2000-2999)

    /// <summary>A transaction was admitted to the mempool.</summary>
    public const int MempoolTxAccepted = 2000;

    /// <summary>A transaction was rejected by <c>CheckTx</c>.</summary>
    public const int MempoolTxRejected = 2001;

    /// <summary>A transaction was evicted to make room for a higher-priority one.</summary>
    public const int MempoolTxEvicted = 2002;

    /// <summary>The mempool was re-checked after a block.</summary>
    public const int MempoolRechecked = 2003;

    /// <summary>The mempool is full and refused a transaction.</summary>
    public const int MempoolFull = 2004;

    /// <summary>A gossip subscriber fell behind and lost transactions.</summary>
    public const int MempoolGossipDropped = 2005;

    // Storage (3000-3999)

    /// <summary>A store was opened.</summary>
    public const int StoreOpened = 3000;

    /// <summary>A store found corrupted data.</summary>
    public const int StoreCorrupted = 3001;

    /// <summary>A store was created in an empty directory.</summary>
    public const int StoreCreated = 3002;

    /// <summary>A block was saved to the block store.</summary>
    public const int BlockSaved = 3003;

    /// <summary>Blocks were pruned from the block store.</summary>
    public const int BlocksPruned = 3004;

    /// <summary>A blob in the node's blob store failed its integrity check on read and was removed.</summary>
    public const int StoredBlobDamaged = 3005;

    /// <summary>Blob pins were restored or rebuilt from chain state when the node started.</summary>
    public const int BlobPinsRestored = 3006;

    // API (4000-4999)

    /// <summary>A transaction was broadcast through the API.</summary>
    public const int ApiTxBroadcast = 4000;

    /// <summary>An event subscriber was dropped because it fell behind.</summary>
    public const int ApiSubscriberLagging = 4001;

    /// <summary>A blob was uploaded.</summary>
    public const int BlobUploaded = 4002;

    /// <summary>An upload or a peer's blob failed its integrity check.</summary>
    public const int BlobIntegrityFailure = 4003;

    /// <summary>A missing blob was fetched from a peer.</summary>
    public const int BlobFetchedFromPeer = 4004;

    /// <summary>A peer could not serve a blob.</summary>
    public const int BlobPeerFailed = 4005;

    /// <summary>A broadcast transaction was not committed within the wait limit.</summary>
    public const int ApiBroadcastCommitTimeout = 4006;

    /// <summary>First id of the node host's events.</summary>
    public const int HostBase = 5000;

    /// <summary>A node started (stores open, handshake and replay done, listening).</summary>
    public const int HostNodeStarted = 5000;

    /// <summary>A node stopped.</summary>
    public const int HostNodeStopped = 5001;

    /// <summary>A block was committed and applied.</summary>
    public const int HostBlockCommitted = 5002;

    /// <summary>A node refused to start (damaged or inconsistent data, bad configuration).</summary>
    public const int HostStartRefused = 5003;

    /// <summary>The application was behind the block store and stored blocks were replayed into it.</summary>
    public const int HostReplayed = 5004;

    /// <summary>A batch of gossiped transactions was dropped because admission fell behind (warning).</summary>
    public const int HostPeerTxsDropped = 5005;
}
