using System.ComponentModel.DataAnnotations;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>
/// Round timeouts of the embedded Tendermint engine (local settings, not protocol parameters). A round-r timeout is
/// <c>base + r × delta</c>, so rounds get longer until the network is synchronous enough to decide. Defaults are
/// CometBFT's <c>[consensus]</c> defaults; with them a loopback devnet commits about one block per second
/// (bounded by <see cref="Commit"/>).
/// </summary>
public sealed class ConsensusTimeoutOptions
{
    /// <summary>How long to wait for a proposal in round 0.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Propose { get; set; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>Added to <see cref="Propose"/> per round.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProposeDelta { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait after +2/3 prevotes for anything before precommitting nil.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Prevote { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Added to <see cref="Prevote"/> per round.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PrevoteDelta { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait after +2/3 precommits for anything before moving to the next round.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Precommit { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Added to <see cref="Precommit"/> per round.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PrecommitDelta { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pause after a commit before starting the next height (gathers late precommits; bounds the block rate).</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Commit { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>The propose timeout of <paramref name="round"/>.</summary>
    /// <param name="round">Round.</param>
    /// <returns>The duration.</returns>
    public TimeSpan ProposeTimeout(int round) => Propose + (ProposeDelta * round);

    /// <summary>The prevote timeout of <paramref name="round"/>.</summary>
    /// <param name="round">Round.</param>
    /// <returns>The duration.</returns>
    public TimeSpan PrevoteTimeout(int round) => Prevote + (PrevoteDelta * round);

    /// <summary>The precommit timeout of <paramref name="round"/>.</summary>
    /// <param name="round">Round.</param>
    /// <returns>The duration.</returns>
    public TimeSpan PrecommitTimeout(int round) => Precommit + (PrecommitDelta * round);
}
