using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.TestKit;

/// <summary>Entry point of the test-data builders: <c>Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(10, Denom.Spark).Signed()</c>.</summary>
public static class Build
{
    /// <summary>The builder factory.</summary>
    public static Builders A { get; } = new();

    /// <summary>Builder factory.</summary>
    public sealed class Builders
    {
        /// <summary>A new signed bank transfer builder.</summary>
        public TransferBuilder Transfer => new();
    }
}

/// <summary>Builds signed bank transfers.</summary>
public sealed class TransferBuilder
{
    private TestKey _from = TestKeys.Alice;
    private Address _to = TestKeys.Bob.Address;
    private readonly List<Amount> _amounts = [];
    private Amount _fee = new(1000, Denom.Phnx);
    private ulong _sequence;
    private string _chainId = TestChain.ChainId;
    private string _memo = string.Empty;
    private ulong _timeout;

    /// <summary>Sets the signer.</summary>
    public TransferBuilder From(TestKey key) { _from = key; return this; }

    /// <summary>Sets the recipient.</summary>
    public TransferBuilder To(TestKey key) { _to = key.Address; return this; }

    /// <summary>Sets the recipient.</summary>
    public TransferBuilder To(Address address) { _to = address; return this; }

    /// <summary>Adds an amount in base units.</summary>
    public TransferBuilder Amount(ulong baseUnits, Denom denom) { _amounts.Add(new Amount(baseUnits, denom)); return this; }

    /// <summary>Sets the fee.</summary>
    public TransferBuilder Fee(ulong baseUnits, Denom denom) { _fee = new Amount(baseUnits, denom); return this; }

    /// <summary>Sets the sequence.</summary>
    public TransferBuilder Sequence(ulong sequence) { _sequence = sequence; return this; }

    /// <summary>Sets the chain id.</summary>
    public TransferBuilder ChainId(string chainId) { _chainId = chainId; return this; }

    /// <summary>Sets the memo.</summary>
    public TransferBuilder Memo(string memo) { _memo = memo; return this; }

    /// <summary>Sets the timeout height.</summary>
    public TransferBuilder TimeoutHeight(ulong height) { _timeout = height; return this; }

    /// <summary>The unsigned body.</summary>
    public TxBody Body()
    {
        var amounts = _amounts.Count == 0 ? [new Amount(1, Denom.Phnx)] : _amounts;
        var body = new TxBody { ChainId = _chainId, Memo = _memo, TimeoutHeight = _timeout };
        body.Messages.Add(new SendMessage(_to, amounts).ToWire());
        return body;
    }

    /// <summary>The signed <c>TxRaw</c> bytes.</summary>
    public byte[] Signed() => TxEncoding.Sign(Body(), _sequence, _fee, _from.Seed);
}
