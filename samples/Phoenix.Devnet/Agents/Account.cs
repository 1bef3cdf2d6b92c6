using Phoenix.Devnet.Chain;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Devnet.Agents;

/// <summary>Signs an agent's transactions and tracks its sequence against the chain.</summary>
internal sealed class Account(DevnetKey key, string chainId)
{
    private static readonly Amount Fee = new(1_000, Denom.Phnx);
    private ulong _next;
    private int _waited;

    public DevnetKey Key => key;

    public Address Address => key.Address;

    /// <summary>Whether every transaction sent so far is on chain (the agent may act); gives up on lost ones after a few blocks.</summary>
    public bool Ready(ChainView view)
    {
        var onChain = view.Sequence(Address);
        if (onChain >= _next || ++_waited > 4)
        {
            _next = onChain;
            _waited = 0;
            return true;
        }

        return false;
    }

    public byte[] Sign(params Message[] messages)
    {
        var body = new TxBody { ChainId = chainId };
        body.Messages.AddRange(messages);
        return TxEncoding.Sign(body, _next++, Fee, key.Seed);
    }
}
