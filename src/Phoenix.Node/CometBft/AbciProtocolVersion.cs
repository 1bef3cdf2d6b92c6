namespace Phoenix.Node.CometBft;

/// <summary>Which CometBFT release line's ABCI wire format to serve.</summary>
// The member names mirror CometBFT release lines (v0.38, v1.0), as operators write them.
#pragma warning disable CA1707
public enum AbciProtocolVersion
{
    /// <summary>
    /// CometBFT v0.38.x (proto package <c>tendermint.abci</c>, gRPC service
    /// <c>tendermint.abci.ABCI</c>); also what CometBFT v0.39/v0.40 (main) speak.
    /// </summary>
    V0_38 = 0,

    /// <summary>
    /// CometBFT v1.0.x (proto package <c>cometbft.abci.v1</c>, gRPC service
    /// <c>cometbft.abci.v1.ABCIService</c>): <c>CheckTx</c> type in field 3, validator updates as
    /// key bytes plus key type, <c>syncing_to_height</c> in <c>FinalizeBlock</c>.
    /// </summary>
    V1_0 = 1,
}
#pragma warning restore CA1707
