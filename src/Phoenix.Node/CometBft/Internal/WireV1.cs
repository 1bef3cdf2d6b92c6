using W = Phoenix.Node.CometBft.Wire.V1;
using static Phoenix.Node.CometBft.Internal.WireCommon;
using Domain = Phoenix.Protocol.Abci;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// Maps CometBFT v1.0 (<c>cometbft.abci.v1</c>) wire DTOs to the application's domain types and
/// back. Requests go wire → domain, responses domain → wire.
/// </summary>
internal static class WireV1
{
    // ----------------------------------------------------------------------------------------
    // Requests: wire -> domain

    public static Domain.InfoRequest ToDomain(W.InfoRequest r) => new(r.Version, r.BlockVersion, r.P2PVersion, r.AbciVersion);

    public static Domain.InitChainRequest ToDomain(W.InitChainRequest r) => new(
        Time(r.Time),
        r.ChainId,
        r.ConsensusParams is null ? null : ToDomain(r.ConsensusParams),
        r.Validators.Select(ToDomain).ToArray(),
        r.AppStateBytes.Memory,
        r.InitialHeight);

    public static Domain.QueryRequest ToDomain(W.QueryRequest r) => new(r.Data.Memory, r.Path, r.Height, r.Prove);

    public static Domain.CheckTxRequest ToDomain(W.CheckTxRequest r) => new(
        r.Tx.Memory,
        r.Type switch
        {
            W.CheckTxType.Check or W.CheckTxType.Unknown => Domain.CheckTxKind.New,
            W.CheckTxType.Recheck => Domain.CheckTxKind.Recheck,
            _ => throw new AbciMappingException($"CheckTx: unknown check type {(int)r.Type}."),
        });

    public static Domain.OfferSnapshotRequest ToDomain(W.OfferSnapshotRequest r) => new(
        r.Snapshot is null ? throw new AbciMappingException("OfferSnapshot: the snapshot is missing.") : ToDomain(r.Snapshot),
        r.AppHash.Memory);

    public static Domain.LoadSnapshotChunkRequest ToDomain(W.LoadSnapshotChunkRequest r) => new(r.Height, r.Format, r.Chunk);

    public static Domain.ApplySnapshotChunkRequest ToDomain(W.ApplySnapshotChunkRequest r) => new(r.Index, r.Chunk.Memory, r.Sender);

    public static Domain.PrepareProposalRequest ToDomain(W.PrepareProposalRequest r) => new(
        r.MaxTxBytes,
        Txs(r.Txs),
        r.LocalLastCommit is null ? Domain.ExtendedCommitInfo.Empty : ToDomain(r.LocalLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.ProcessProposalRequest ToDomain(W.ProcessProposalRequest r) => new(
        Txs(r.Txs),
        ToDomain(r.ProposedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.ExtendVoteRequest ToDomain(W.ExtendVoteRequest r) => new(
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        Txs(r.Txs),
        ToDomain(r.ProposedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory);

    public static Domain.VerifyVoteExtensionRequest ToDomain(W.VerifyVoteExtensionRequest r) =>
        new(r.Hash.Memory, r.ValidatorAddress.Memory, r.Height, r.VoteExtension.Memory);

    public static Domain.FinalizeBlockRequest ToDomain(W.FinalizeBlockRequest r) => new(
        Txs(r.Txs),
        ToDomain(r.DecidedLastCommit),
        r.Misbehavior.Select(ToDomain).ToArray(),
        r.Hash.Memory,
        r.Height,
        Time(r.Time),
        r.NextValidatorsHash.Memory,
        r.ProposerAddress.Memory)
    {
        SyncingToHeight = r.SyncingToHeight == 0 ? r.Height : r.SyncingToHeight,
    };

    // ----------------------------------------------------------------------------------------
    // Responses: domain -> wire

    public static W.InfoResponse ToWire(Domain.InfoResponse r) => new()
    {
        Data = Text(r.Data),
        Version = Text(r.Version),
        AppVersion = r.AppVersion,
        LastBlockHeight = r.LastBlockHeight,
        LastBlockAppHash = Bytes(r.LastBlockAppHash),
    };

    public static W.InitChainResponse ToWire(Domain.InitChainResponse r)
    {
        var w = new W.InitChainResponse
        {
            ConsensusParams = r.ConsensusParams is null ? null : ToWire(r.ConsensusParams),
            AppHash = Bytes(r.AppHash),
        };
        w.Validators.Add((r.Validators ?? []).Select(ToWire));
        return w;
    }

    public static W.CheckTxResponse ToWire(Domain.CheckTxResponse r)
    {
        var w = new W.CheckTxResponse
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

    public static W.QueryResponse ToWire(Domain.QueryResponse r)
    {
        var w = new W.QueryResponse
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
            w.ProofOps = new W.ProofOps();
            w.ProofOps.Ops.Add(r.ProofOps.Select(o => new W.ProofOp { Type = Text(o.Type), Key = Bytes(o.Key), Data = Bytes(o.Data) }));
        }

        return w;
    }

    public static W.CommitResponse ToWire(Domain.CommitResponse r) => new() { RetainHeight = r.RetainHeight };

    public static W.ListSnapshotsResponse ToWire(Domain.ListSnapshotsResponse r)
    {
        var w = new W.ListSnapshotsResponse();
        w.Snapshots.Add((r.Snapshots ?? []).Select(ToWire));
        return w;
    }

    public static W.OfferSnapshotResponse ToWire(Domain.OfferSnapshotResponse r) =>
        new() { Result = (W.OfferSnapshotResult)(int)r.Result };

    public static W.LoadSnapshotChunkResponse ToWire(Domain.LoadSnapshotChunkResponse r) => new() { Chunk = Bytes(r.Chunk) };

    public static W.ApplySnapshotChunkResponse ToWire(Domain.ApplySnapshotChunkResponse r)
    {
        var w = new W.ApplySnapshotChunkResponse { Result = (W.ApplySnapshotChunkResult)(int)r.Result };
        w.RefetchChunks.Add(r.RefetchChunks ?? []);
        w.RejectSenders.Add(r.RejectSenders ?? []);
        return w;
    }

    public static W.PrepareProposalResponse ToWire(Domain.PrepareProposalResponse r)
    {
        var w = new W.PrepareProposalResponse();
        w.Txs.Add(Txs(r.Txs));
        return w;
    }

    public static W.ProcessProposalResponse ToWire(Domain.ProcessProposalResponse r) =>
        new() { Status = (W.ProcessProposalStatus)(int)r.Status };

    public static W.ExtendVoteResponse ToWire(Domain.ExtendVoteResponse r) => new() { VoteExtension = Bytes(r.VoteExtension) };

    public static W.VerifyVoteExtensionResponse ToWire(Domain.VerifyVoteExtensionResponse r) =>
        new() { Status = (W.VerifyVoteExtensionStatus)(int)r.Status };

    public static W.FinalizeBlockResponse ToWire(Domain.FinalizeBlockResponse r)
    {
        var w = new W.FinalizeBlockResponse
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

    public static Domain.ValidatorUpdate ToDomain(W.ValidatorUpdate v)
    {
        if (!string.Equals(v.PubKeyType, Ed25519KeyType, StringComparison.Ordinal))
        {
            throw new AbciMappingException(v.PubKeyType.Length == 0
                ? "ValidatorUpdate: pub_key_type is missing (a v0.38-style update sent to a v1.0 server?)."
                : $"ValidatorUpdate: key type '{v.PubKeyType}' is not supported; Phoenix validators use ed25519.");
        }

        return new Domain.ValidatorUpdate(Ed25519Key(v.PubKeyBytes.Span, "ValidatorUpdate"), v.Power);
    }

    public static W.ValidatorUpdate ToWire(Domain.ValidatorUpdate v) => new()
    {
        PubKeyBytes = Bytes(Ed25519Key(v.PublicKey.Span, "ValidatorUpdate")),
        PubKeyType = Ed25519KeyType,
        Power = v.Power,
    };

    public static Domain.AbciValidator ToDomain(W.Validator? v) =>
        v is null ? new Domain.AbciValidator(ReadOnlyMemory<byte>.Empty, 0) : new Domain.AbciValidator(v.Address.Memory, v.Power);

    public static Domain.CommitInfo ToDomain(W.CommitInfo? c) => c is null
        ? Domain.CommitInfo.Empty
        : new Domain.CommitInfo(c.Round, c.Votes.Select(v => new Domain.VoteInfo(ToDomain(v.Validator), (Domain.BlockIdFlag)(int)v.BlockIdFlag)).ToArray());

    public static Domain.ExtendedCommitInfo ToDomain(W.ExtendedCommitInfo c) => new(
        c.Round,
        c.Votes.Select(v => new Domain.ExtendedVoteInfo(ToDomain(v.Validator), v.VoteExtension.Memory, v.ExtensionSignature.Memory, (Domain.BlockIdFlag)(int)v.BlockIdFlag)).ToArray());

    public static Domain.Misbehavior ToDomain(W.Misbehavior m) =>
        new((Domain.MisbehaviorType)(int)m.Type, ToDomain(m.Validator), m.Height, Time(m.Time), m.TotalVotingPower);

    public static Domain.Snapshot ToDomain(W.Snapshot s) => new(s.Height, s.Format, s.Chunks, s.Hash.Memory, s.Metadata.Memory);

    public static W.Snapshot ToWire(Domain.Snapshot s) => new()
    {
        Height = s.Height,
        Format = s.Format,
        Chunks = s.Chunks,
        Hash = Bytes(s.Hash),
        Metadata = Bytes(s.Metadata),
    };

    public static W.Event ToWire(Domain.AbciEvent e)
    {
        var w = new W.Event { Type = Text(e.Type) };
        w.Attributes.Add((e.Attributes ?? []).Select(a => new W.EventAttribute { Key = Text(a.Key), Value = Text(a.Value), Index = a.Index }));
        return w;
    }

    public static W.ExecTxResult ToWire(Domain.ExecTxResult r)
    {
        var w = new W.ExecTxResult
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

    // v1.0 deprecates ConsensusParams.abci in favour of feature; a v1.0 node may still send it.
#pragma warning disable CS0612
    public static Domain.ConsensusParams ToDomain(W.ConsensusParams p) => new(
        p.Block is null ? null : new Domain.BlockParams(p.Block.MaxBytes, p.Block.MaxGas),
        p.Evidence is null ? null : new Domain.EvidenceParams(p.Evidence.MaxAgeNumBlocks, ToTimeSpan(p.Evidence.MaxAgeDuration), p.Evidence.MaxBytes),
        p.Validator is null ? null : WireCommon.ValidatorParams(p.Validator.PubKeyTypes),
        p.Version is null ? null : new Domain.VersionParams(p.Version.App),
        p.Feature?.VoteExtensionsEnableHeight is { } enable
            ? new Domain.AbciParams(enable)
            : p.Abci is null ? null : new Domain.AbciParams(p.Abci.VoteExtensionsEnableHeight));
#pragma warning restore CS0612

    public static W.ConsensusParams ToWire(Domain.ConsensusParams p)
    {
        var w = new W.ConsensusParams
        {
            Block = p.Block is null ? null : new W.BlockParams { MaxBytes = p.Block.MaxBytes, MaxGas = p.Block.MaxGas },
            Evidence = p.Evidence is null ? null : new W.EvidenceParams
            {
                MaxAgeNumBlocks = p.Evidence.MaxAgeNumBlocks,
                MaxAgeDuration = ToDuration(p.Evidence.MaxAgeDuration),
                MaxBytes = p.Evidence.MaxBytes,
            },
            Version = p.Version is null ? null : new W.VersionParams { App = p.Version.App },
            Feature = p.Abci is null ? null : new W.FeatureParams { VoteExtensionsEnableHeight = p.Abci.VoteExtensionsEnableHeight },
        };
        if (p.Validator is not null)
        {
            w.Validator = new W.ValidatorParams();
            w.Validator.PubKeyTypes.Add(p.Validator.PubKeyTypes ?? []);
        }

        return w;
    }
}
