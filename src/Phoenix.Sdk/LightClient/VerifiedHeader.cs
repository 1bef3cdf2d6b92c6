using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.LightClient;

/// <summary>A block header that a <see cref="LightClientAppHashSource"/> has verified.</summary>
/// <param name="ChainId">The chain id.</param>
/// <param name="Height">The height.</param>
/// <param name="Hash">The header (block) hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="AppHash">The application hash after the previous height (the state root of <c>Height - 1</c>).</param>
/// <param name="ValidatorsHash">The hash of the validator set that signed this header.</param>
/// <param name="NextValidatorsHash">The hash of the validator set that signs the next header.</param>
public sealed record VerifiedHeader(
    string ChainId,
    long Height,
    Hash32 Hash,
    Timestamp Time,
    ReadOnlyMemory<byte> AppHash,
    Hash32 ValidatorsHash,
    Hash32 NextValidatorsHash);
