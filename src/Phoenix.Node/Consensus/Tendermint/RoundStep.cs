namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>Steps of a consensus round (CometBFT's <c>RoundStepType</c> numbering).</summary>
public enum RoundStep
{
    /// <summary>Waiting the commit timeout before the height starts.</summary>
    NewHeight = 1,

    /// <summary>Starting a round.</summary>
    NewRound = 2,

    /// <summary>Waiting for a proposal.</summary>
    Propose = 3,

    /// <summary>Prevoted; waiting for +2/3 prevotes.</summary>
    Prevote = 4,

    /// <summary>Saw +2/3 prevotes for anything; the prevote timeout runs.</summary>
    PrevoteWait = 5,

    /// <summary>Precommitted; waiting for +2/3 precommits.</summary>
    Precommit = 6,

    /// <summary>Saw +2/3 precommits for anything; the precommit timeout runs.</summary>
    PrecommitWait = 7,

    /// <summary>Committing a decided block.</summary>
    Commit = 8,
}

/// <summary>A timeout the engine asked for; delivered back through <see cref="TendermintEngine.HandleTimeout"/>.</summary>
/// <param name="Height">Height when scheduled.</param>
/// <param name="Round">Round when scheduled.</param>
/// <param name="Step">The step it ends (<see cref="RoundStep.NewHeight"/> for the commit timeout).</param>
/// <param name="Duration">How long after scheduling it fires.</param>
public sealed record TimeoutInfo(long Height, int Round, RoundStep Step, TimeSpan Duration);

/// <summary>What happened to a message from a peer.</summary>
public enum MessageOutcome
{
    /// <summary>Accepted and processed.</summary>
    Accepted = 0,

    /// <summary>Already known (a replay); nothing changed.</summary>
    Duplicate,

    /// <summary>Valid but not for the current height or round window; ignored or buffered.</summary>
    Ignored,

    /// <summary>Refused: too large.</summary>
    RejectedOversized,

    /// <summary>Refused: not decodable.</summary>
    RejectedMalformed,

    /// <summary>Refused: decodable but invalid (bad signature, wrong validator, bad block...).</summary>
    RejectedInvalid,
}
