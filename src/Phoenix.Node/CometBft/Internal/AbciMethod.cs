namespace Phoenix.Node.CometBft.Internal;

/// <summary>The ABCI methods, for call-order checks and logging.</summary>
internal enum AbciMethod
{
    Echo,
    Flush,
    Info,
    InitChain,
    Query,
    CheckTx,
    Commit,
    ListSnapshots,
    OfferSnapshot,
    LoadSnapshotChunk,
    ApplySnapshotChunk,
    PrepareProposal,
    ProcessProposal,
    ExtendVote,
    VerifyVoteExtension,
    FinalizeBlock,
}
