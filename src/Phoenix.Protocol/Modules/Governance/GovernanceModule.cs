using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using WireAdmin = Phoenix.Protocol.Wire.State.AdminState;
using WireProposal = Phoenix.Protocol.Wire.State.Proposal;

namespace Phoenix.Protocol.Modules.Governance;

/// <summary>Result codes of the governance module (codespace <c>gov</c>). Never reused.</summary>
public static class GovernanceErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "gov";

    /// <summary>No proposal with that id.</summary>
    public static ResultCode ProposalNotFound { get; } = new(Codespace, 1, "proposal_not_found");

    /// <summary>The proposal is not collecting deposits.</summary>
    public static ResultCode NotInDepositPeriod { get; } = new(Codespace, 2, "not_in_deposit_period");

    /// <summary>The proposal is not open for votes.</summary>
    public static ResultCode NotInVotingPeriod { get; } = new(Codespace, 3, "not_in_voting_period");

    /// <summary>The voter has no bonded stake.</summary>
    public static ResultCode NoBondedStake { get; } = new(Codespace, 4, "no_bonded_stake");

    /// <summary>The signer is not the admin.</summary>
    public static ResultCode NotAdmin { get; } = new(Codespace, 5, "not_admin");

    /// <summary>The admin has been retired (Phase 3): no admin action is possible, ever.</summary>
    public static ResultCode AdminRetired { get; } = new(Codespace, 6, "admin_retired");

    /// <summary>The admin's phase does not allow this action (Phase 2 may only pause).</summary>
    public static ResultCode PhaseForbids { get; } = new(Codespace, 7, "phase_forbids");
}

/// <summary>A proposal's lifecycle status.</summary>
public enum ProposalStatus
{
    /// <summary>Collecting its minimum deposit.</summary>
    DepositPeriod = 1,

    /// <summary>Open for votes.</summary>
    VotingPeriod = 2,

    /// <summary>Passed and executed; deposits refunded.</summary>
    Passed = 3,

    /// <summary>Rejected (threshold not reached); deposits refunded.</summary>
    Rejected = 4,

    /// <summary>Vetoed; deposits burned.</summary>
    Vetoed = 5,

    /// <summary>The deposit period ended below the minimum deposit; deposits refunded.</summary>
    DepositExpired = 6,

    /// <summary>Passed but its execution failed (for example an empty community pool); nothing applied, deposits refunded.</summary>
    ExecutionFailed = 7,

    /// <summary>Quorum not reached; deposits burned.</summary>
    NoQuorum = 8,
}

/// <summary>A proposal as stored.</summary>
/// <param name="Id">The id (from 1).</param>
/// <param name="Proposer">The proposer.</param>
/// <param name="Submission">The submitted message.</param>
/// <param name="Status">The status.</param>
/// <param name="DepositEnd">Unix seconds at which the deposit period ends.</param>
/// <param name="VotingEnd">Unix seconds at which voting ends (0 before voting).</param>
/// <param name="TotalDeposit">uphnx deposited.</param>
/// <param name="FinalTally">"yes/abstain/no/veto" bonded uphnx at tally (empty before).</param>
public sealed record ProposalInfo(ulong Id, Address Proposer, SubmitProposalMessage Submission, ProposalStatus Status, long DepositEnd, long VotingEnd, UInt128 TotalDeposit, string FinalTally);

/// <summary>The admin phase.</summary>
/// <param name="Admin">The admin address, or null once retired or when genesis named none.</param>
/// <param name="Phase">1 (pause and parameters), 2 (pause only) or 3 (retired forever).</param>
/// <param name="TaskMarketPaused">Whether the task market is paused.</param>
public sealed record AdminInfo(Address? Admin, int Phase, bool TaskMarketPaused);

/// <summary>
/// Governance (DESIGN §4): proposals (parameter change, community-pool spend, software upgrade, text,
/// retire-admin) with deposits, a voting period by block time, quorum, threshold and veto over bonded
/// stake; and the admin phases: Phase 1 (genesis admin key may pause the task market and change
/// parameters), Phase 2 (pause only), Phase 3 (a passed <see cref="RetireAdminContent"/> removes the admin
/// forever; nothing can install one again: the admin is written only by <see cref="InitGenesis"/>).
/// </summary>
/// <remarks>
/// <para>Deposit rules: a proposal enters voting when its deposits reach
/// <see cref="ChainParameters.MinGovernanceDepositUphnx"/> within <see cref="ChainParameters.DepositPeriodSeconds"/>;
/// otherwise it expires and deposits are refunded. After voting, deposits are refunded when the proposal
/// passed, was rejected or failed to execute, and burned when it was vetoed or missed quorum.</para>
/// <para>Tally (at the end of <see cref="ChainParameters.VotingPeriodSeconds"/>): each vote weighs the voter's
/// bonded stake at tally time. Quorum: voted ≥ quorum × total bonded. Veto: no_with_veto ≥ veto × voted.
/// Pass: yes &gt; threshold × (voted − abstain).</para>
/// <para>State (under <c>gov/</c>): <c>n</c> next id, <c>p+id</c> proposal, <c>d+id+depositor</c> deposit,
/// <c>v+id+voter</c> vote, <c>a</c> admin state, <c>u</c> upgrade plan. Deposits sit in
/// <see cref="DepositAccount"/>.</para>
/// </remarks>
public sealed class GovernanceModule : PhoenixModule
{
    /// <summary>The module name.</summary>
    public const string ModuleName = "gov";

    /// <summary>Module account holding deposits.</summary>
    public const string DepositAccount = "gov_deposits";

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<SubmitProposalMessage>(Message.SumOneofCase.SubmitProposal, SubmitProposalMessage.Type, SubmitProposalMessage.TryConvert, HandleSubmit, Name);
        registry.Register<DepositMessage>(Message.SumOneofCase.Deposit, DepositMessage.Type, DepositMessage.TryConvert, HandleDeposit, Name);
        registry.Register<VoteMessage>(Message.SumOneofCase.Vote, VoteMessage.Type, VoteMessage.TryConvert, HandleVote, Name);
        registry.Register<AdminSetPausedMessage>(Message.SumOneofCase.AdminSetPaused, AdminSetPausedMessage.Type, AdminSetPausedMessage.TryConvert, HandleSetPaused, Name);
        registry.Register<AdminSetParametersMessage>(Message.SumOneofCase.AdminSetParameters, AdminSetParametersMessage.Type, AdminSetParametersMessage.TryConvert, HandleSetParameters, Name);
        registry.Register<AdminEnterPhase2Message>(Message.SumOneofCase.AdminEnterPhase2, AdminEnterPhase2Message.Type, AdminEnterPhase2Message.TryConvert, HandleEnterPhase2, Name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Abci.ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(genesis);
        BankModule.CreateModuleAccount(context, DepositAccount);
        var admin = new WireAdmin { Phase = genesis.AdminKey is null ? 3 : 1 };
        if (genesis.AdminKey is { } key)
        {
            admin.Admin = ByteString.CopyFrom(ModuleWire.Bytes(key.Address));
        }

        context.State.Set("gov/a"u8, admin.ToByteArray());
        return [];
    }

    /// <summary>The admin state.</summary>
    /// <param name="state">State.</param>
    /// <returns>The admin, phase and pause flag.</returns>
    public static AdminInfo GetAdmin(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get("gov/a"u8);
        if (bytes is null)
        {
            return new AdminInfo(null, 3, false);
        }

        var w = WireAdmin.Parser.ParseFrom(bytes);
        return new AdminInfo(w.Admin.Length == Address.Length && w.Phase < 3 ? new Address(w.Admin.Span) : null, w.Phase, w.TaskMarketPaused);
    }

    /// <summary>Whether the admin has paused the task market (the task market checks this).</summary>
    /// <param name="state">State.</param>
    /// <returns>Whether paused.</returns>
    public static bool IsTaskMarketPaused(IStateReader state) => GetAdmin(state).TaskMarketPaused;

    /// <summary>Reads a proposal.</summary>
    /// <param name="state">State.</param>
    /// <param name="id">The id.</param>
    /// <returns>The proposal or null.</returns>
    public static ProposalInfo? GetProposal(IStateReader state, ulong id)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get(ProposalKey(id));
        return bytes is null ? null : FromWire(WireProposal.Parser.ParseFrom(bytes));
    }

    /// <summary>The scheduled software upgrade, if a proposal passed one.</summary>
    /// <param name="state">State.</param>
    /// <returns>The plan or null.</returns>
    public static SoftwareUpgradeContent? GetUpgradePlan(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = state.Get("gov/u"u8);
        if (bytes is null)
        {
            return null;
        }

        var w = SoftwareUpgradeProposal.Parser.ParseFrom(bytes);
        return new SoftwareUpgradeContent(w.Name, w.Height, w.Info);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Abci.ValidatorUpdate> EndBlock(ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (key, value) in context.State.Scan("gov/p"u8))
        {
            var w = WireProposal.Parser.ParseFrom(value);
            if (w.Status == (int)ProposalStatus.DepositPeriod && w.DepositEndUnixSeconds <= context.Time.Seconds)
            {
                SettleDeposits(context, w.Id, burn: false);
                w.Status = (int)ProposalStatus.DepositExpired;
                context.State.Set(key, w.ToByteArray());
            }
            else if (w.Status == (int)ProposalStatus.VotingPeriod && w.VotingEndUnixSeconds <= context.Time.Seconds)
            {
                Tally(context, w);
                context.State.Set(key, w.ToByteArray());
                context.Emit("proposal_result", ("id", w.Id.ToString(CultureInfo.InvariantCulture)), ("status", ((ProposalStatus)w.Status).ToString()), ("tally", w.FinalTally));
            }
        }

        return [];
    }

    /// <inheritdoc />
    public override IEnumerable<string> CheckInvariants(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        UInt128 sum = 0;
        foreach (var (_, v) in state.Scan("gov/d"u8))
        {
            sum += BinaryPrimitives.ReadUInt128BigEndian(v);
        }

        var pool = BankModule.GetBalance(state, Address.ForModule(DepositAccount), Denom.Phnx).Value;
        if (pool != sum)
        {
            yield return $"gov: deposit account {pool} != sum of open deposits {sum}.";
        }

        var admin = GetAdmin(state);
        if (admin.Phase == 3 && admin.Admin is not null)
        {
            yield return "gov: an admin exists after retirement.";
        }
    }

    internal static bool TryParseParameters(string json, out ChainParameters? parameters, out string error)
    {
        parameters = null;
        try
        {
            parameters = JsonSerializer.Deserialize<ChainParameters>(Encoding.UTF8.GetBytes(json), GenesisJson.ParameterOptions);
        }
        catch (JsonException e)
        {
            error = "parameters_json is not a parameter document: " + e.Message;
            return false;
        }

        var problems = parameters?.Validate() ?? ["parameters_json is null."];
        if (problems.Count > 0)
        {
            parameters = null;
            error = string.Join(" ", problems);
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static void Tally(ModuleContext context, WireProposal w)
    {
        UInt128 yes = 0, abstain = 0, no = 0, veto = 0;
        foreach (var (key, v) in context.State.Scan(ModuleWire.Concat("gov/v"u8.ToArray(), ModuleWire.U64(w.Id))))
        {
            var weight = StakingModule.BondedStake(context.State, new Address(key.AsSpan(key.Length - Address.Length)));
            switch ((GovernanceVote)v[0])
            {
                case GovernanceVote.Yes: yes += weight; break;
                case GovernanceVote.Abstain: abstain += weight; break;
                case GovernanceVote.No: no += weight; break;
                default: veto += weight; break;
            }

            context.State.Delete(key);
        }

        var p = context.Parameters;
        var voted = yes + abstain + no + veto;
        var total = StakingModule.TotalBonded(context.State);
        w.FinalTally = $"{yes}/{abstain}/{no}/{veto}";
        if (total == 0 || !p.GovernanceQuorum.IsReachedBy(voted, total))
        {
            w.Status = (int)ProposalStatus.NoQuorum;
            SettleDeposits(context, w.Id, burn: true);
            return;
        }

        if (p.GovernanceVeto.IsReachedBy(veto, voted))
        {
            w.Status = (int)ProposalStatus.Vetoed;
            SettleDeposits(context, w.Id, burn: true);
            return;
        }

        var decisive = voted - abstain;
        var passes = decisive != 0 && (System.Numerics.BigInteger)yes * p.GovernanceThreshold.Denominator > (System.Numerics.BigInteger)decisive * p.GovernanceThreshold.Numerator;
        SettleDeposits(context, w.Id, burn: false);
        if (!passes)
        {
            w.Status = (int)ProposalStatus.Rejected;
            return;
        }

        var submission = FromWire(w).Submission;
        var execution = context.ForTransaction(new Address(w.Proposer.Span));
        var result = Execute(execution, submission.Content);
        if (result.IsOk)
        {
            execution.State.Flush();
            context.AddEvents(execution.Events);
            w.Status = (int)ProposalStatus.Passed;
        }
        else
        {
            execution.State.Discard();
            w.Status = (int)ProposalStatus.ExecutionFailed;
        }
    }

    private static TxResult Execute(ModuleContext context, ProposalContent content)
    {
        switch (content)
        {
            case ParameterChangeContent p:
                WriteParameters(context, p.Parameters);
                return TxResult.Success();
            case CommunityPoolSpendContent c:
                return BankModule.SendFromModule(context, GenesisBuilder.CommunityPoolAccount, c.Recipient, c.Amount);
            case SoftwareUpgradeContent u:
                context.State.Set("gov/u"u8, new SoftwareUpgradeProposal { Name = u.Name, Height = u.Height, Info = u.Info }.ToByteArray());
                return TxResult.Success();
            case RetireAdminContent:
                var admin = GetAdmin(context.State);
                context.State.Set("gov/a"u8, new WireAdmin { Phase = 3, TaskMarketPaused = admin.TaskMarketPaused }.ToByteArray());
                context.Emit("admin_retired");
                return TxResult.Success();
            default:
                return TxResult.Success();
        }
    }

    private static void WriteParameters(ModuleContext context, ChainParameters parameters)
    {
        context.State.Set(PhoenixApplication.ParametersKey, JsonSerializer.SerializeToUtf8Bytes(parameters, GenesisJson.ParameterOptions));
        context.Emit("parameters_changed");
    }

    private static void SettleDeposits(ModuleContext context, ulong id, bool burn)
    {
        foreach (var (key, v) in context.State.Scan(ModuleWire.Concat("gov/d"u8.ToArray(), ModuleWire.U64(id))))
        {
            var amount = new Amount(BinaryPrimitives.ReadUInt128BigEndian(v), Denom.Phnx);
            var result = burn
                ? BankModule.Burn(context, Address.ForModule(DepositAccount), amount)
                : BankModule.SendFromModule(context, DepositAccount, new Address(key.AsSpan(key.Length - Address.Length)), amount);
            if (!result.IsOk)
            {
                throw new InvalidOperationException("The deposit account cannot settle a deposit: " + result);
            }

            context.State.Delete(key);
        }
    }

    private static Address Signer(ModuleContext c) => c.Signer ?? throw new InvalidOperationException("Governance messages run inside a transaction.");

    private static TxResult HandleSubmit(ModuleContext context, SubmitProposalMessage m)
    {
        var signer = Signer(context);
        var idBytes = context.State.Get("gov/n"u8);
        var id = idBytes is null ? 1UL : BinaryPrimitives.ReadUInt64BigEndian(idBytes);
        context.State.Set("gov/n"u8, ModuleWire.U64(id + 1));
        var w = new WireProposal
        {
            Id = id,
            Proposer = ByteString.CopyFrom(ModuleWire.Bytes(signer)),
            Submission = m.ToWire().SubmitProposal.ToByteString(),
            Status = (int)ProposalStatus.DepositPeriod,
            DepositEndUnixSeconds = checked(context.Time.Seconds + context.Parameters.DepositPeriodSeconds),
            TotalDeposit = "0",
        };
        context.State.Set(ProposalKey(id), w.ToByteArray());
        context.Emit("submit_proposal", ("id", id.ToString(CultureInfo.InvariantCulture)), ("proposer", signer.ToString()));
        return m.Deposit == 0 ? TxResult.Success() : AddDeposit(context, signer, id, m.Deposit);
    }

    private static TxResult HandleDeposit(ModuleContext context, DepositMessage m) => AddDeposit(context, Signer(context), m.ProposalId, m.Amount);

    private static TxResult AddDeposit(ModuleContext context, Address depositor, ulong id, UInt128 amount)
    {
        var bytes = context.State.Get(ProposalKey(id));
        if (bytes is null)
        {
            return TxResult.Fail(GovernanceErrors.ProposalNotFound, $"No proposal {id}.");
        }

        var w = WireProposal.Parser.ParseFrom(bytes);
        if (w.Status != (int)ProposalStatus.DepositPeriod)
        {
            return TxResult.Fail(GovernanceErrors.NotInDepositPeriod, $"Proposal {id} is not collecting deposits.");
        }

        var moved = BankModule.SendToModule(context, depositor, DepositAccount, new Amount(amount, Denom.Phnx));
        if (!moved.IsOk)
        {
            return moved;
        }

        var key = ModuleWire.Concat("gov/d"u8.ToArray(), ModuleWire.U64(id), ModuleWire.Bytes(depositor));
        var existing = context.State.Get(key);
        var v = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v, (existing is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(existing)) + amount);
        context.State.Set(key, v);
        var total = ModuleWire.U128(w.TotalDeposit) + amount;
        w.TotalDeposit = ModuleWire.Dec(total);
        if (total >= context.Parameters.MinGovernanceDepositUphnx)
        {
            w.Status = (int)ProposalStatus.VotingPeriod;
            w.VotingEndUnixSeconds = checked(context.Time.Seconds + context.Parameters.VotingPeriodSeconds);
            context.Emit("voting_started", ("id", id.ToString(CultureInfo.InvariantCulture)));
        }

        context.State.Set(ProposalKey(id), w.ToByteArray());
        return TxResult.Success();
    }

    private static TxResult HandleVote(ModuleContext context, VoteMessage m)
    {
        var voter = Signer(context);
        var p = GetProposal(context.State, m.ProposalId);
        if (p is null)
        {
            return TxResult.Fail(GovernanceErrors.ProposalNotFound, $"No proposal {m.ProposalId}.");
        }

        if (p.Status != ProposalStatus.VotingPeriod || context.Time.Seconds >= p.VotingEnd)
        {
            return TxResult.Fail(GovernanceErrors.NotInVotingPeriod, $"Proposal {m.ProposalId} is not open for votes.");
        }

        if (StakingModule.BondedStake(context.State, voter) == 0)
        {
            return TxResult.Fail(GovernanceErrors.NoBondedStake, "Votes weigh bonded stake; the voter has none.");
        }

        context.State.Set(ModuleWire.Concat("gov/v"u8.ToArray(), ModuleWire.U64(m.ProposalId), ModuleWire.Bytes(voter)), [(byte)m.Option]);
        context.Emit("vote", ("id", m.ProposalId.ToString(CultureInfo.InvariantCulture)), ("voter", voter.ToString()), ("option", m.Option.ToString()));
        return TxResult.Success();
    }

    private static TxResult CheckAdmin(ModuleContext context, int maxPhase, out AdminInfo admin)
    {
        admin = GetAdmin(context.State);
        if (admin.Phase >= 3 || admin.Admin is null)
        {
            return TxResult.Fail(GovernanceErrors.AdminRetired, "There is no admin (retired, or none at genesis).");
        }

        if (admin.Admin != Signer(context))
        {
            return TxResult.Fail(GovernanceErrors.NotAdmin, "Only the admin may do this.");
        }

        return admin.Phase > maxPhase
            ? TxResult.Fail(GovernanceErrors.PhaseForbids, $"Phase {admin.Phase} does not allow this.")
            : TxResult.Success();
    }

    private static TxResult HandleSetPaused(ModuleContext context, AdminSetPausedMessage m)
    {
        var check = CheckAdmin(context, 2, out var admin);
        if (!check.IsOk)
        {
            return check;
        }

        context.State.Set("gov/a"u8, new WireAdmin { Admin = ByteString.CopyFrom(ModuleWire.Bytes(admin.Admin!.Value)), Phase = admin.Phase, TaskMarketPaused = m.Paused }.ToByteArray());
        context.Emit("task_market_paused", ("paused", m.Paused ? "true" : "false"));
        return TxResult.Success();
    }

    private static TxResult HandleSetParameters(ModuleContext context, AdminSetParametersMessage m)
    {
        var check = CheckAdmin(context, 1, out _);
        if (!check.IsOk)
        {
            return check;
        }

        WriteParameters(context, m.Parameters);
        return TxResult.Success();
    }

    private static TxResult HandleEnterPhase2(ModuleContext context, AdminEnterPhase2Message m)
    {
        var check = CheckAdmin(context, 1, out var admin);
        if (!check.IsOk)
        {
            return check;
        }

        context.State.Set("gov/a"u8, new WireAdmin { Admin = ByteString.CopyFrom(ModuleWire.Bytes(admin.Admin!.Value)), Phase = 2, TaskMarketPaused = admin.TaskMarketPaused }.ToByteArray());
        context.Emit("admin_phase", ("phase", "2"));
        return TxResult.Success();
    }

    private static byte[] ProposalKey(ulong id) => ModuleWire.Concat("gov/p"u8.ToArray(), ModuleWire.U64(id));

    private static ProposalInfo FromWire(WireProposal w)
    {
        var wire = new Message { SubmitProposal = MsgSubmitProposal.Parser.ParseFrom(w.Submission) };
        if (!SubmitProposalMessage.TryConvert(wire, out var submission, out var error))
        {
            throw new InvalidOperationException("A stored proposal no longer converts: " + error);
        }

        return new ProposalInfo(w.Id, new Address(w.Proposer.Span), submission!, (ProposalStatus)w.Status, w.DepositEndUnixSeconds, w.VotingEndUnixSeconds,
            ModuleWire.U128(w.TotalDeposit), w.FinalTally);
    }
}
