using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Modules.Internal;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Governance;

/// <summary>What a proposal does when it passes.</summary>
public abstract record ProposalContent
{
    private protected ProposalContent()
    {
    }
}

/// <summary>Replaces the chain parameters (validated when submitted).</summary>
/// <param name="Parameters">The new parameters.</param>
public sealed record ParameterChangeContent(ChainParameters Parameters) : ProposalContent;

/// <summary>Pays from the community pool.</summary>
/// <param name="Recipient">The recipient.</param>
/// <param name="Amount">The amount.</param>
public sealed record CommunityPoolSpendContent(Address Recipient, Amount Amount) : ProposalContent;

/// <summary>Schedules a software upgrade (nodes read the plan from state).</summary>
/// <param name="Name">Upgrade name.</param>
/// <param name="Height">Height at which the new software must run.</param>
/// <param name="Info">Free-form info (binaries, checksums).</param>
public sealed record SoftwareUpgradeContent(string Name, long Height, string Info) : ProposalContent;

/// <summary>A text-only signalling proposal.</summary>
public sealed record TextContent : ProposalContent;

/// <summary>Removes the admin key forever (Phase 3).</summary>
public sealed record RetireAdminContent : ProposalContent;

/// <summary>A vote option.</summary>
public enum GovernanceVote
{
    /// <summary>For.</summary>
    Yes = 1,

    /// <summary>Counts towards quorum only.</summary>
    Abstain = 2,

    /// <summary>Against.</summary>
    No = 3,

    /// <summary>Against, and deposits are burned if veto reaches its threshold.</summary>
    NoWithVeto = 4,
}

/// <summary>Submits a proposal with an initial deposit (wire: <c>MsgSubmitProposal</c>, type id 60).</summary>
/// <param name="Title">1-140 characters.</param>
/// <param name="Description">At most 10,000 UTF-8 bytes.</param>
/// <param name="Deposit">Initial deposit in uphnx (may be zero).</param>
/// <param name="Content">What the proposal does.</param>
public sealed record SubmitProposalMessage(string Title, string Description, UInt128 Deposit, ProposalContent Content) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/submit_proposal";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire()
    {
        var m = new MsgSubmitProposal { Title = Title, Description = Description, Deposit = ModuleWire.Dec(Deposit) };
        switch (Content)
        {
            case ParameterChangeContent p:
                m.ParameterChange = new ParameterChangeProposal { ParametersJson = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(p.Parameters, GenesisJson.ParameterOptions)) };
                break;
            case CommunityPoolSpendContent c:
                m.CommunityPoolSpend = new CommunityPoolSpendProposal { Recipient = c.Recipient.ToString(), Amount = TxEncoding.ToCoin(c.Amount) };
                break;
            case SoftwareUpgradeContent u:
                m.SoftwareUpgrade = new SoftwareUpgradeProposal { Name = u.Name, Height = u.Height, Info = u.Info };
                break;
            case TextContent:
                m.Text = new TextProposal();
                break;
            case RetireAdminContent:
                m.RetireAdmin = new RetireAdminProposal();
                break;
            default:
                throw new InvalidOperationException("Unknown proposal content.");
        }

        return new Message { SubmitProposal = m };
    }

    internal static bool TryConvert(Message wire, out SubmitProposalMessage? message, out string error)
    {
        message = null;
        var m = wire.SubmitProposal;
        if (m.Title.Length is 0 or > 140 || Encoding.UTF8.GetByteCount(m.Description) > 10_000 || !Amount.TryParseValue(m.Deposit, out var deposit))
        {
            error = "title is 1-140 characters, description at most 10000 bytes, deposit a canonical uphnx amount.";
            return false;
        }

        ProposalContent? content = null;
        error = "content is missing or invalid.";
        switch (m.ContentCase)
        {
            case MsgSubmitProposal.ContentOneofCase.ParameterChange:
                if (GovernanceModule.TryParseParameters(m.ParameterChange.ParametersJson, out var parameters, out error))
                {
                    content = new ParameterChangeContent(parameters!);
                }

                break;
            case MsgSubmitProposal.ContentOneofCase.CommunityPoolSpend:
                if (ModuleWire.TryAddress(m.CommunityPoolSpend.Recipient, out var to) && TxEncoding.TryFromCoin(m.CommunityPoolSpend.Amount, out var amount) && !amount.IsZero)
                {
                    content = new CommunityPoolSpendContent(to, amount);
                }

                break;
            case MsgSubmitProposal.ContentOneofCase.SoftwareUpgrade:
                var u = m.SoftwareUpgrade;
                if (u.Name.Length is > 0 and <= 64 && u.Height > 0 && Encoding.UTF8.GetByteCount(u.Info) <= 2_048)
                {
                    content = new SoftwareUpgradeContent(u.Name, u.Height, u.Info);
                }

                break;
            case MsgSubmitProposal.ContentOneofCase.Text:
                content = new TextContent();
                break;
            case MsgSubmitProposal.ContentOneofCase.RetireAdmin:
                content = new RetireAdminContent();
                break;
        }

        if (content is null)
        {
            return false;
        }

        message = new SubmitProposalMessage(m.Title, m.Description, deposit, content);
        error = string.Empty;
        return true;
    }
}

/// <summary>Adds to a proposal's deposit during its deposit period (wire: <c>MsgDeposit</c>, type id 61).</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Amount">uphnx.</param>
public sealed record DepositMessage(ulong ProposalId, UInt128 Amount) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/deposit";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { Deposit = new MsgDeposit { ProposalId = ProposalId, Amount = ModuleWire.Dec(Amount) } };

    internal static bool TryConvert(Message wire, out DepositMessage? message, out string error)
    {
        message = null;
        if (!ModuleWire.TryPositive(wire.Deposit.Amount, out var amount))
        {
            error = "amount must be a canonical non-zero uphnx amount.";
            return false;
        }

        message = new DepositMessage(wire.Deposit.ProposalId, amount);
        error = string.Empty;
        return true;
    }
}

/// <summary>Votes on a proposal with the signer's bonded stake (wire: <c>MsgVote</c>, type id 62). A later vote replaces an earlier one.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Option">The vote.</param>
public sealed record VoteMessage(ulong ProposalId, GovernanceVote Option) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/vote";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { Vote = new MsgVote { ProposalId = ProposalId, Option = (VoteOption)(int)Option } };

    internal static bool TryConvert(Message wire, out VoteMessage? message, out string error)
    {
        message = null;
        var option = (int)wire.Vote.Option;
        if (option is < 1 or > 4)
        {
            error = "option must be yes, abstain, no or no_with_veto.";
            return false;
        }

        message = new VoteMessage(wire.Vote.ProposalId, (GovernanceVote)option);
        error = string.Empty;
        return true;
    }
}

/// <summary>Admin (Phases 1 and 2): pauses or resumes the task market (wire: <c>MsgAdminSetPaused</c>, type id 70).</summary>
/// <param name="Paused">Whether the task market is paused.</param>
public sealed record AdminSetPausedMessage(bool Paused) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/admin_set_paused";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { AdminSetPaused = new MsgAdminSetPaused { Paused = Paused } };

    internal static bool TryConvert(Message wire, out AdminSetPausedMessage? message, out string error)
    {
        message = new AdminSetPausedMessage(wire.AdminSetPaused.Paused);
        error = string.Empty;
        return true;
    }
}

/// <summary>Admin (Phase 1 only): replaces the chain parameters (wire: <c>MsgAdminSetParameters</c>, type id 71).</summary>
/// <param name="Parameters">The new parameters.</param>
public sealed record AdminSetParametersMessage(ChainParameters Parameters) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/admin_set_parameters";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new()
    {
        AdminSetParameters = new MsgAdminSetParameters { ParametersJson = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(Parameters, GenesisJson.ParameterOptions)) },
    };

    internal static bool TryConvert(Message wire, out AdminSetParametersMessage? message, out string error)
    {
        message = null;
        if (!GovernanceModule.TryParseParameters(wire.AdminSetParameters.ParametersJson, out var p, out error))
        {
            return false;
        }

        message = new AdminSetParametersMessage(p!);
        return true;
    }
}

/// <summary>Admin: gives up parameter changes for good, keeping only pausing (Phase 1 → 2; wire: <c>MsgAdminEnterPhase2</c>, type id 72).</summary>
public sealed record AdminEnterPhase2Message : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "gov/admin_enter_phase2";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
#pragma warning disable CA1822 // keeps the ToWire shape of every message
    public Message ToWire() => new() { AdminEnterPhase2 = new MsgAdminEnterPhase2() };
#pragma warning restore CA1822

    internal static bool TryConvert(Message wire, out AdminEnterPhase2Message? message, out string error)
    {
        message = new AdminEnterPhase2Message();
        error = string.Empty;
        return true;
    }
}
