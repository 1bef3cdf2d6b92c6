using System.Buffers.Binary;
using System.Text.Json;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client.Internal;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>
    /// Reads the on-chain PHNX/USD price at the node's latest committed height: the consensus set's voting powers,
    /// each member's latest report, the chain parameters and the block time are read as state records and the price
    /// is computed with the chain's own rule (<see cref="OracleModule.GetPrice"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The price, whether it is valid (fresh reports cover enough power) and the height and block time it holds at.</returns>
    /// <remarks>
    /// <para>With a <see cref="ITrustedAppHashSource"/>, every record is checked against its proof and the trusted
    /// app hash at one height (each report, or its absence, per validator). The voting-power records are listed by
    /// prefix: their proofs show each listed member is real, but a state tree over hashed keys cannot prove that the
    /// node listed every member.</para>
    /// <para>To price a burn, use <see cref="Phoenix.Protocol.Modules.Mint.MintModule.SparkFor"/> with
    /// <see cref="OraclePriceReading.PriceMicroUsd"/> and pass the result (less a margin) as the burn's slippage guard.</para>
    /// </remarks>
    /// <exception cref="LightClientVerificationException">A record does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused a query.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A record is malformed.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<OraclePriceReading> GetOraclePriceAsync(CancellationToken cancellationToken = default) =>
        ReadConsistentAsync(
            async read =>
            {
                await read.PrefixAsync(StateKeys.Powers).ConfigureAwait(false);
                var members = Decode(() => StakingModule.GetVotingPowers(read.State), "voting power");
                await read.FetchAsync([StateKeys.Parameters, StateKeys.BlockTime, .. members.Select(m => StateKeys.OracleReport(m.Operator))]).ConfigureAwait(false);
                var parameters = ReadParameters(read.State);
                var time = ReadBlockTime(read.State);
                var price = Decode(() => OracleModule.GetPrice(read.State, time, parameters), "price report");
                return new OraclePriceReading(price.IsValid, price.PriceMicroUsd, price.CoveredPower, price.TotalPower, read.State.Height, time);
            },
            cancellationToken);

    private static ChainParameters ReadParameters(ProvenState state)
    {
        var raw = state.Get(StateKeys.Parameters);
        if (raw is null)
        {
            return ChainParameters.Default;
        }

        try
        {
            return JsonSerializer.Deserialize<ChainParameters>(raw, ParametersJson.Options)
                ?? throw new PhoenixProtocolViolationException("the chain parameters record is empty");
        }
        catch (JsonException e)
        {
            throw new PhoenixProtocolViolationException("the chain parameters record is not a parameters document: " + e.Message);
        }
    }

    private static Timestamp ReadBlockTime(ProvenState state)
    {
        var raw = state.Get(StateKeys.BlockTime);
        return raw switch
        {
            null => default,
            { Length: 12 } => new Timestamp(BinaryPrimitives.ReadInt64BigEndian(raw), BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(8))),
            _ => throw new PhoenixProtocolViolationException("the block time record is not 12 bytes"),
        };
    }

    /// <summary>Runs a module accessor over fetched records, turning a malformed record into a typed error.</summary>
    private static T Decode<T>(Func<T> decode, string what)
    {
        try
        {
            return decode();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new PhoenixProtocolViolationException($"a {what} record is not valid protobuf: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new PhoenixProtocolViolationException($"a {what} record is malformed: {e.Message}");
        }
    }
}
