using System.Security.Cryptography;
using Phoenix.Node.Consensus.Internal;

namespace Phoenix.Node.Consensus.Types;

/// <summary>A validator in a <see cref="ValidatorSet"/>: key, address, voting power and proposer priority.</summary>
public sealed class Validator
{
    /// <summary>Creates a validator from its Ed25519 public key.</summary>
    /// <param name="publicKey">32-byte public key.</param>
    /// <param name="votingPower">Voting power (positive).</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public Validator(ReadOnlySpan<byte> publicKey, long votingPower)
    {
        if (publicKey.Length != 32)
        {
            throw new ArgumentException("An Ed25519 public key is 32 bytes.", nameof(publicKey));
        }

        PublicKey = publicKey.ToArray();
        Address = AddressOf(publicKey);
        VotingPower = votingPower;
    }

    /// <summary>Creates a validator with an arbitrary address (tests of the priority arithmetic only).</summary>
    internal Validator(byte[] address, long votingPower, long proposerPriority)
    {
        PublicKey = [];
        Address = address;
        VotingPower = votingPower;
        ProposerPriority = proposerPriority;
    }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 20-byte address: the first 20 bytes of SHA-256 of the key.</summary>
    public byte[] Address { get; }

    /// <summary>Voting power.</summary>
    public long VotingPower { get; internal set; }

    /// <summary>Current proposer priority (weighted round-robin accumulator).</summary>
    public long ProposerPriority { get; internal set; }

    /// <summary>The address of a public key: the first 20 bytes of its SHA-256.</summary>
    /// <param name="publicKey">The key.</param>
    /// <returns>20 bytes.</returns>
    public static byte[] AddressOf(ReadOnlySpan<byte> publicKey) => SHA256.HashData(publicKey)[..20];

    /// <summary>proto(SimpleValidator{pub_key=1 PublicKey{ed25519=1}, voting_power=2}), the leaf of the validators hash.</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToSimpleValidatorProto()
        => new ProtoWriter().Message(1, new ProtoWriter().Bytes(1, PublicKey).ToArray()).Int64(2, VotingPower).ToArray();

    internal Validator Clone() => new(this);

    private Validator(Validator other)
    {
        PublicKey = other.PublicKey;
        Address = other.Address;
        VotingPower = other.VotingPower;
        ProposerPriority = other.ProposerPriority;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Convert.ToHexString(Address)}:{VotingPower}";
}
