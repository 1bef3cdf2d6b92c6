using Phoenix.Protocol.Abci;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Protocol.Modules;

/// <summary>
/// A protocol module (bank, staking, slashing, oracle, governance, tasks, ...): it owns a key prefix
/// and a codespace, registers its message handlers, and may hook genesis, begin-block, end-block
/// (validator updates), misbehaviour and invariants. The application calls the hooks in module
/// registration order, so the order is part of the protocol.
/// </summary>
/// <remarks>
/// <para>
/// To add a module: derive from this class, give it a unique <see cref="Name"/>, register its
/// messages in <see cref="RegisterMessages"/> (wire types are oneof cases of
/// <c>phoenix.tx.v1.Message</c>, numbered per protos/README.md), keep every key under
/// <see cref="StorePrefix"/> via <see cref="ModuleContext.StoreOf"/>, define its result codes as
/// <see cref="Results.ResultCode"/> constants with codespace <see cref="Name"/>, and add it with
/// <see cref="Application.PhoenixApplicationBuilder.AddModule"/>.
/// </para>
/// <para>
/// Token movements go through <see cref="Bank.BankModule"/>: escrows, stakes and pools are module
/// accounts (<see cref="Primitives.Address.ForModule"/>), so bank is the one ledger the supply
/// invariant checks. Modules never throw for expected failures; they return result codes.
/// </para>
/// </remarks>
public abstract class PhoenixModule
{
    private byte[]? _prefix;

    /// <summary>The module name: its codespace, and (with a trailing <c>/</c>) its store prefix.</summary>
    public abstract string Name { get; }

    /// <summary>The key prefix of this module's state: the UTF-8 name followed by <c>/</c>.</summary>
    public byte[] StorePrefix => _prefix ??= System.Text.Encoding.UTF8.GetBytes(Name + "/");

    /// <summary>Registers this module's message types.</summary>
    /// <param name="registry">The registry.</param>
    public virtual void RegisterMessages(MessageRegistry registry)
    {
    }

    /// <summary>Initializes this module's state from genesis.</summary>
    /// <param name="context">Genesis context (height 0, genesis time).</param>
    /// <param name="genesis">The genesis document.</param>
    /// <returns>Validator updates this module decides at genesis (empty unless it manages the validator set).</returns>
    public virtual IReadOnlyList<ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis) => [];

    /// <summary>Runs at the start of every block, before its transactions.</summary>
    /// <param name="context">Block context.</param>
    /// <param name="block">The block's commit information and evidence.</param>
    public virtual void BeginBlock(ModuleContext context, BlockInfo block)
    {
    }

    /// <summary>Handles verified evidence of misbehaviour (the slashing module implements this). Runs after <see cref="BeginBlock"/>.</summary>
    /// <param name="context">Block context.</param>
    /// <param name="misbehavior">The evidence.</param>
    public virtual void HandleMisbehavior(ModuleContext context, Misbehavior misbehavior)
    {
    }

    /// <summary>Runs at the end of every block, after its transactions.</summary>
    /// <param name="context">Block context.</param>
    /// <returns>Validator set changes (take effect at height + 2). Later modules' updates for the same key win.</returns>
    public virtual IReadOnlyList<ValidatorUpdate> EndBlock(ModuleContext context) => [];

    /// <summary>Checks this module's invariants against state (tests call them after every block).</summary>
    /// <param name="state">The state.</param>
    /// <returns>Violations, empty when all hold.</returns>
    public virtual IEnumerable<string> CheckInvariants(IStateReader state) => [];
}

/// <summary>What a module learns about the block at begin-block.</summary>
/// <param name="Height">The height.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="ProposerAddress">The proposer's consensus address.</param>
/// <param name="LastCommit">Who signed the previous block (downtime tracking).</param>
/// <param name="Misbehavior">Verified evidence.</param>
public sealed record BlockInfo(long Height, Primitives.Timestamp Time, ReadOnlyMemory<byte> ProposerAddress, CommitInfo LastCommit, IReadOnlyList<Misbehavior> Misbehavior);
