namespace Phoenix.Node.Consensus.Types;

/// <summary>CometBFT's <c>SignedMsgType</c>: what a signature is for.</summary>
public enum SignedMsgType
{
    /// <summary>Unknown.</summary>
    Unknown = 0,

    /// <summary>A prevote.</summary>
    Prevote = 1,

    /// <summary>A precommit.</summary>
    Precommit = 2,

    /// <summary>A proposal.</summary>
    Proposal = 32,
}
