using Phoenix.Node.CometBft.Wire.V038;
using static Phoenix.Node.CometBft.Internal.WireCommon;
using Domain = Phoenix.Protocol.Abci;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// Maps CometBFT v0.38 (<c>tendermint.abci</c>) wire DTOs to the application's domain types and
/// back. Requests go wire → domain, responses domain → wire.
/// </summary>
internal static class WireV038
{
    // ----------------------------------------------------------------------------------------
    // Requests: wire -> domain

    public static Domain.InfoRequest ToDomain(RequestInfo r) => new(r.Version, r.BlockVersion, r.P2PVersion, r.AbciVersion);

    public static Domain.InitChainRequest ToDomain(RequestInitChain r) => new(
        Time(r.Time),
        r.ChainId,
        r.ConsensusParams is null ? null : ToDomain(r.ConsensusParams),
        r.Validators.Select(ToDomain).ToArray(),
        r.AppStateBytes.Memory,
        r.InitialHeight);

    public static Domain.QueryRequest ToDomain(RequestQuery r) => new(r.Data.Memory, r.Path, r.Height, r.Prove);

    public static Domain.CheckTxRequest ToDomain(RequestCheckTx r) => new(
        r.Tx.Memory,
        r.Type switch
        {
            CheckTxType.New => Domain.CheckTxKind.New,
            CheckTxType.Recheck => Domain.CheckTxKind.Recheck,
            _ => throw new AbciMappingException($"CheckTx: unknown check type {(int)r.Type}."),
        });

    public static Domain.OfferSnapshotRequest ToDomain(RequestOfferSnapshot r) => new(
        r.Snapshot is null ? throw new AbciMappingException("OfferSnapshot: the snapshot is missing.") : ToDomain(r.Snapshot),
        r.AppHash.Memory);

    public static Domain.LoadSnapshotChunkRequest ToDomain(RequestLoadSnapshotChunk r) => new(r.Height, r.Format, r.Chunk);

    public static Domain.ApplySnapshotChunkRequest ToDomain(RequestApplySnapshotChunk r) => new(r.Index, r.Chunk.Memory, r.Sender);

    public static Domain.PrepareProposalRequest ToDomain(RequestPrepareProposal r) => new(
        r.MaxTxBytes,
        Txs(r.Txs),
        r.LocalLastCommit is null ? Domain.ExtendedCommitInfo.Empty : ToDomain(r.LocalLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.ProcessProposalRequest ToDomain(RequestProcessProposal r) => new(
        Txs(r.Txs),
        ToDomain(r.ProposedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.ExtendVoteRequest ToDomain(RequestExtendVote r) => new(
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        Txs(r.Txs),
        ToDomain(r.ProposedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.VerifyVoteExtensionRequest ToDomain(RequestVerifyVoteExtension r) =>
        new(r.Hash.Memory, r.ValidatorAddress.Memory, r.Height, r.VoteExtension.Memory);

    public static Domain.FinalizeBlockRequest ToDomain(RequestFinalizeBlock r) => new(
        Txs(r.Txs),
        ToDomain(r.DecidedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory)
    {
        SyncingToHeight = r.Height,
    };

    // ----------------------------------------------------------------------------------------
    // Responses: domain -> wire

    public static ResponseInfo ToWire(Domain.InfoResponse r) => new()
    {
        Data = Text(r.Data),
        Version = Text(r.Version),
        AppVersion = r.AppVersion,
        LastBlockHeight = r.LastBlockHeight,
        LastBlockAppHash = Bytes(r.LastBlockAppHash),
    };

    public static ResponseInitChain ToWire(Domain.InitChainResponse r)
    {
        var w = new ResponseInitChain
        {
            ConsensusParams = r.ConsensusParams is null ? null : ToWire(r.ConsensusParams),
            AppHash = Bytes(r.AppHash),
        };
        w.Validators.Add((r.Validators ?? []).Select(ToWire));
        return w;
    }

    public static ResponseCheckTx ToWire(Domain.CheckTxResponse r)
    {
        var w = new ResponseCheckTx
        {
            Code = r.Code,
            Data = Bytes(r.Data),
            Log = Text(r.Log),
            Info = Text(r.Info),
            GasWanted = r.GasWanted,
            GasUsed = r.GasUsed,
            Codespace = Text(r.Codespace),
        };
        w.Events.Add((r.Events ?? []).Select(ToWire));
        return w;
    }

    public static ResponseQuery ToWire(Domain.QueryResponse r)
    {
        var w = new ResponseQuery
        {
            Code = r.Code,
            Log = Text(r.Log),
            Info = Text(r.Info),
            Index = r.Index,
            Key = Bytes(r.Key),
            Value = Bytes(r.Value),
            Height = r.Height,
            Codespace = Text(r.Codespace),
        };
        if (r.ProofOps is { Count: > 0 })
        {
            w.ProofOps = new ProofOps();
            w.ProofOps.Ops.Add(r.ProofOps.Select(o => new ProofOp { Type = Text(o.Type), Key = Bytes(o.Key), Data = Bytes(o.Data) }));
        }

        return w;
    }

    public static ResponseCommit ToWire(Domain.CommitResponse r) => new() { RetainHeight = r.RetainHeight };

    public static ResponseListSnapshots ToWire(Domain.ListSnapshotsResponse r)
    {
        var w = new ResponseListSnapshots();
        w.Snapshots.Add((r.Snapshots ?? []).Select(ToWire));
        return w;
    }

    public static ResponseOfferSnapshot ToWire(Domain.OfferSnapshotResponse r) =>
        new() { Result = (ResponseOfferSnapshot.Types.Result)(int)r.Result };

    public static ResponseLoadSnapshotChunk ToWire(Domain.LoadSnapshotChunkResponse r) => new() { Chunk = Bytes(r.Chunk) };

    public static ResponseApplySnapshotChunk ToWire(Domain.ApplySnapshotChunkResponse r)
    {
        var w = new ResponseApplySnapshotChunk { Result = (ResponseApplySnapshotChunk.Types.Result)(int)r.Result };
        w.RefetchChunks.Add(r.RefetchChunks ?? []);
        w.RejectSenders.Add(r.RejectSenders ?? []);
        return w;
    }

    public static ResponsePrepareProposal ToWire(Domain.PrepareProposalResponse r)
    {
        var w = new ResponsePrepareProposal();
        w.Txs.Add(Txs(r.Txs));
        return w;
    }

    public static ResponseProcessProposal ToWire(Domain.ProcessProposalResponse r) =>
        new() { Status = (ResponseProcessProposal.Types.ProposalStatus)(int)r.Status };

    public static ResponseExtendVote ToWire(Domain.ExtendVoteResponse r) => new() { VoteExtension = Bytes(r.VoteExtension) };

    public static ResponseVerifyVoteExtension ToWire(Domain.VerifyVoteExtensionResponse r) =>
        new() { Status = (ResponseVerifyVoteExtension.Types.VerifyStatus)(int)r.Status };

    public static ResponseFinalizeBlock ToWire(Domain.FinalizeBlockResponse r)
    {
        var w = new ResponseFinalizeBlock
        {
            ConsensusParamUpdates = r.ConsensusParamUpdates is null ? null : ToWire(r.ConsensusParamUpdates),
            AppHash = Bytes(r.AppHash),
        };
        w.Events.Add((r.Events ?? []).Select(ToWire));
        w.TxResults.Add((r.TxResults ?? []).Select(ToWire));
        w.ValidatorUpdates.Add((r.ValidatorUpdates ?? []).Select(ToWire));
        return w;
    }

    // ----------------------------------------------------------------------------------------
    // Shared types

    public static Domain.ValidatorUpdate ToDomain(ValidatorUpdate v) => v.PubKey?.SumCase switch
    {
        PublicKey.SumOneofCase.Ed25519 => new Domain.ValidatorUpdate(Ed25519Key(v.PubKey.Ed25519.Span, "ValidatorUpdate"), v.Power),
        PublicKey.SumOneofCase.Secp256K1 => throw new AbciMappingException("ValidatorUpdate: secp256k1 keys are not supported; Phoenix validators use ed25519."),
        _ => throw new AbciMappingException("ValidatorUpdate: the public key is missing."),
    };

    public static ValidatorUpdate ToWire(Domain.ValidatorUpdate v) => new()
    {
        PubKey = new PublicKey { Ed25519 = Bytes(Ed25519Key(v.PublicKey.Span, "ValidatorUpdate")) },
        Power = v.Power,
    };

    public static Domain.AbciValidator ToDomain(Validator? v) =>
        v is null ? new Domain.AbciValidator(ReadOnlyMemory<byte>.Empty, 0) : new Domain.AbciValidator(v.Address.Memory, v.Power);

    public static Domain.CommitInfo ToDomain(CommitInfo? c) => c is null
        ? Domain.CommitInfo.Empty
        : new Domain.CommitInfo(c.Round, c.Votes.Select(v => new Domain.VoteInfo(ToDomain(v.Validator), (Domain.BlockIdFlag)(int)v.BlockIdFlag)).ToArray());

    public static Domain.ExtendedCommitInfo ToDomain(ExtendedCommitInfo c) => new(
        c.Round,
        c.Votes.Select(v => new Domain.ExtendedVoteInfo(ToDomain(v.Validator), v.VoteExtension.Memory, v.ExtensionSignature.Memory, (Domain.BlockIdFlag)(int)v.BlockIdFlag)).ToArray());

    public static Domain.Misbehavior ToDomain(Misbehavior m) =>
        new((Domain.MisbehaviorType)(int)m.Type, ToDomain(m.Validator), m.Height, Time(m.Time), m.TotalVotingPower);

    public static Domain.Snapshot ToDomain(Snapshot s) => new(s.Height, s.Format, s.Chunks, s.Hash.Memory, s.Metadata.Memory);

    public static Snapshot ToWire(Domain.Snapshot s) => new()
    {
        Height = s.Height,
        Format = s.Format,
        Chunks = s.Chunks,
        Hash = Bytes(s.Hash),
        Metadata = Bytes(s.Metadata),
    };

    public static Event ToWire(Domain.AbciEvent e)
    {
        var w = new Event { Type = Text(e.Type) };
        w.Attributes.Add((e.Attributes ?? []).Select(a => new EventAttribute { Key = Text(a.Key), Value = Text(a.Value), Index = a.Index }));
        return w;
    }

    public static ExecTxResult ToWire(Domain.ExecTxResult r)
    {
        var w = new ExecTxResult
        {
            Code = r.Code,
            Data = Bytes(r.Data),
            Log = Text(r.Log),
            Info = Text(r.Info),
            GasWanted = r.GasWanted,
            GasUsed = r.GasUsed,
            Codespace = Text(r.Codespace),
        };
        w.Events.Add((r.Events ?? []).Select(ToWire));
        return w;
    }

    public static Domain.ConsensusParams ToDomain(ConsensusParams p) => new(
        p.Block is null ? null : new Domain.BlockParams(p.Block.MaxBytes, p.Block.MaxGas),
        p.Evidence is null ? null : new Domain.EvidenceParams(p.Evidence.MaxAgeNumBlocks, ToTimeSpan(p.Evidence.MaxAgeDuration), p.Evidence.MaxBytes),
        p.Validator is null ? null : WireCommon.ValidatorParams(p.Validator.PubKeyTypes),
        p.Version is null ? null : new Domain.VersionParams(p.Version.App),
        p.Abci is null ? null : new Domain.AbciParams(p.Abci.VoteExtensionsEnableHeight));

    public static ConsensusParams ToWire(Domain.ConsensusParams p)
    {
        var w = new ConsensusParams
        {
            Block = p.Block is null ? null : new BlockParams { MaxBytes = p.Block.MaxBytes, MaxGas = p.Block.MaxGas },
            Evidence = p.Evidence is null ? null : new EvidenceParams
            {
                MaxAgeNumBlocks = p.Evidence.MaxAgeNumBlocks,
                MaxAgeDuration = ToDuration(p.Evidence.MaxAgeDuration),
                MaxBytes = p.Evidence.MaxBytes,
            },
            Version = p.Version is null ? null : new VersionParams { App = p.Version.App },
            Abci = p.Abci is null ? null : new ABCIParams { VoteExtensionsEnableHeight = p.Abci.VoteExtensionsEnableHeight },
        };
        if (p.Validator is not null)
        {
            w.Validator = new ValidatorParams();
            w.Validator.PubKeyTypes.Add(p.Validator.PubKeyTypes ?? []);
        }

        return w;
    }
}
