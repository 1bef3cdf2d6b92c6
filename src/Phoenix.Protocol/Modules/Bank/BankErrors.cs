using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Modules.Bank;

/// <summary>Result codes of the bank module (codespace <c>bank</c>). Never reused.</summary>
public static class BankErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "bank";

    /// <summary>The sender's spendable balance is too small.</summary>
    public static ResultCode InsufficientFunds { get; } = new(Codespace, 1, "insufficient_funds");

    /// <summary>The denomination cannot be transferred (bTASK).</summary>
    public static ResultCode NotTransferable { get; } = new(Codespace, 2, "not_transferable");

    /// <summary>The balance exists but is locked by a vesting schedule.</summary>
    public static ResultCode LockedByVesting { get; } = new(Codespace, 3, "locked_by_vesting");

    /// <summary>A balance or the supply would overflow 128 bits.</summary>
    public static ResultCode Overflow { get; } = new(Codespace, 4, "overflow");

    /// <summary>Sending to a module account is not allowed by a plain transfer.</summary>
    public static ResultCode BlockedRecipient { get; } = new(Codespace, 5, "blocked_recipient");
}
