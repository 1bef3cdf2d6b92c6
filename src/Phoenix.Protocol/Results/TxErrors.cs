namespace Phoenix.Protocol.Results;

/// <summary>
/// Result codes of the transaction envelope (codespace <c>tx</c>): decoding, authentication, fees and
/// sequencing. Codes are never reused; a retired code keeps its number with a comment.
/// </summary>
public static class TxErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "tx";

    /// <summary>The transaction is larger than the maximum transaction size.</summary>
    public static ResultCode TxTooLarge { get; } = new(Codespace, 1, "tx_too_large");

    /// <summary>The bytes are not a valid protobuf encoding of the envelope or one of its parts.</summary>
    public static ResultCode Malformed { get; } = new(Codespace, 2, "malformed");

    /// <summary>The encoding is valid protobuf but not canonical (unknown fields, wrong order, explicit defaults, trailing bytes, non-minimal varints).</summary>
    public static ResultCode NonCanonical { get; } = new(Codespace, 3, "non_canonical_encoding");

    /// <summary>A message has a type the chain does not know.</summary>
    public static ResultCode UnknownMessageType { get; } = new(Codespace, 4, "unknown_message_type");

    /// <summary>The transaction carries no messages, or more than the limit.</summary>
    public static ResultCode InvalidMessageCount { get; } = new(Codespace, 5, "invalid_message_count");

    /// <summary>The chain id differs from this chain's.</summary>
    public static ResultCode WrongChainId { get; } = new(Codespace, 6, "wrong_chain_id");

    /// <summary>The signer public key is not 32 bytes.</summary>
    public static ResultCode InvalidPublicKey { get; } = new(Codespace, 7, "invalid_public_key");

    /// <summary>The signature is not valid under the strict Ed25519 rule.</summary>
    public static ResultCode InvalidSignature { get; } = new(Codespace, 8, "invalid_signature");

    /// <summary>The sequence number is not the account's next one.</summary>
    public static ResultCode SequenceMismatch { get; } = new(Codespace, 9, "sequence_mismatch");

    /// <summary>The fee is missing, malformed or in a denomination that cannot pay fees.</summary>
    public static ResultCode InvalidFee { get; } = new(Codespace, 10, "invalid_fee");

    /// <summary>The signer cannot pay the fee.</summary>
    public static ResultCode InsufficientFee { get; } = new(Codespace, 11, "insufficient_funds_for_fee");

    /// <summary>The fee is below this node's local minimum (CheckTx only; never a consensus failure).</summary>
    public static ResultCode FeeTooLow { get; } = new(Codespace, 12, "fee_too_low");

    /// <summary>The memo exceeds the maximum length.</summary>
    public static ResultCode MemoTooLong { get; } = new(Codespace, 13, "memo_too_long");

    /// <summary>The block height is above the transaction's timeout height.</summary>
    public static ResultCode TimedOut { get; } = new(Codespace, 14, "timed_out");

    /// <summary>A message is malformed (stateless validation failed).</summary>
    public static ResultCode InvalidMessage { get; } = new(Codespace, 15, "invalid_message");

    /// <summary>An amount overflowed 128 bits.</summary>
    public static ResultCode AmountOverflow { get; } = new(Codespace, 16, "amount_overflow");

    /// <summary>A public key that does not belong to the account (address collision or key change).</summary>
    public static ResultCode PublicKeyMismatch { get; } = new(Codespace, 17, "public_key_mismatch");
}
