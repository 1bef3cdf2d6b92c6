using System.Globalization;
using Phoenix.Compute.Models;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Devnet.Agents;

/// <summary>
/// The buyer: uploads all-MiniLM-L6-v2 and one tokenized passage per unit to the blob service, burns PHNX for enough
/// SPARK (with a 1 % slippage limit), posts the embedding job, and once every unit is final downloads the results,
/// checking each against the batch root on chain.
/// </summary>
public sealed class BuyerAgent : Agent
{
    /// <summary>Price per unit: 1 SPARK (0.01 USD) per embedded passage.</summary>
    public const ulong PricePerUnitUspark = 1_000_000;

    private readonly JobCompute _compute;
    private readonly ResultBoard _board;
    private readonly int _units;
    private Hash32 _modelId;
    private Hash32 _manifestId;
    private bool _burned;
    private bool _posted;

    /// <summary>Creates the buyer.</summary>
    /// <param name="key">Its key.</param>
    /// <param name="compute">Shared compute and blobs.</param>
    /// <param name="board">Where miners announce results.</param>
    /// <param name="units">How many passages to embed.</param>
    /// <param name="log">The activity log.</param>
    public BuyerAgent(DevnetKey key, JobCompute compute, ResultBoard board, int units, ActivityLog log)
        : base("buyer", key, DevnetGenesis.ChainId, log)
    {
        _compute = compute;
        _board = board;
        _units = units;
    }

    /// <summary>The posted task's id (0 until posted).</summary>
    public ulong TaskId { get; private set; }

    /// <summary>Verified embeddings downloaded, by unit.</summary>
    public int ResultsVerified { get; private set; }

    /// <summary>The embedding size of the verified results (384 for MiniLM).</summary>
    public int EmbeddingSize { get; private set; }

    /// <inheritdoc />
    public override bool IsDone => TaskId != 0 && ResultsVerified == _units;

    /// <summary>Uploads the model, the inputs and the input manifest.</summary>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the blobs are stored.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task UploadAsync(CancellationToken cancellationToken)
    {
        var model = PretrainedModels.LoadMiniLm();
        _modelId = Hash32.Sha256(model);
        await _compute.Blobs.PutAsync(_modelId, model, cancellationToken).ConfigureAwait(false);
        var encoder = MiniLmUnits.FromPackage();
        var manifest = new byte[_units * Hash32.Length];
        var passages = MiniLmUnits.SamplePassages(_units);
        for (var i = 0; i < _units; i++)
        {
            var input = encoder.Encode(passages[i]);
            var id = Hash32.Sha256(input);
            await _compute.Blobs.PutAsync(id, input, cancellationToken).ConfigureAwait(false);
            id.ToArray().CopyTo(manifest, i * Hash32.Length);
        }

        _manifestId = Hash32.Sha256(manifest);
        await _compute.Blobs.PutAsync(_manifestId, manifest, cancellationToken).ConfigureAwait(false);
        Log.Write($"buyer uploaded all-MiniLM-L6-v2 ({model.Length / 1_000_000} MB) and {_units} tokenized passages");
    }

    private protected override async Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken)
    {
        var escrow = (UInt128)_units * (PricePerUnitUspark + view.Parameters.TaskFeeRate.MultiplyFloor(PricePerUnitUspark));
        if (!_burned)
        {
            if (!view.Price.IsValid)
            {
                return [];
            }

            // SPARK = PHNX × price / 0.01 USD: uspark = uphnx × µUSD per PHNX / 10,000. Burn enough for the escrow, plus 10 %.
            var need = escrow + (escrow / 10);
            var uphnx = ((need * 10_000) / view.Price.PriceMicroUsd) + 1;
            var expected = uphnx * view.Price.PriceMicroUsd / 10_000;
            _burned = true;
            Log.Write($"buyer burns {Fmt.Tokens(uphnx)} PHNX for about {Fmt.Tokens(expected)} SPARK (slippage limit 1 %)");
            return [Account.Sign(new BurnForSparkMessage(uphnx, expected * 99 / 100).ToWire())];
        }

        if (!_posted)
        {
            if (view.Balance(Address, Denom.Spark) < escrow)
            {
                return [];
            }

            _posted = true;
            Log.Write($"buyer posts the job: embed {_units} passages at 1 SPARK each, 2 attestations, exact verification");
            return [Account.Sign(new PostTaskMessage(WorkloadKinds.OnnxV1, _modelId.ToArray(), _manifestId.ToArray(), Phoenix.Protocol.Wire.Tx.VerificationPolicy.Exact, 0, 0,
                (uint)_units, PricePerUnitUspark.ToString(CultureInfo.InvariantCulture), 2, view.Time.Seconds + 86_400, 600).ToWire())];
        }

        var task = view.Tasks.FirstOrDefault(t => new Address(t.Buyer.Span) == Address);
        if (task is null)
        {
            return [];
        }

        TaskId = task.Id;
        if (task.FinalizedUnits == _units && ResultsVerified < _units)
        {
            await DownloadResultsAsync(view, task, cancellationToken).ConfigureAwait(false);
        }

        return [];
    }

    private async Task DownloadResultsAsync(ChainView view, TaskRecord task, CancellationToken cancellationToken)
    {
        var verified = 0;
        for (uint u = 0; u < task.Units; u++)
        {
            var (_, batchId) = view.Unit(task.Id, u);
            var batch = view.Batches[(int)batchId - 1];
            var published = _board.Get(batchId) ?? throw new InvalidOperationException($"Batch {batchId}'s results were never announced.");
            var leaves = ResultBoard.Leaves(published);
            var index = (int)(u - batch.FirstUnit);
            var root = new Hash32(batch.ResultsRoot.Span);
            if (!BatchMerkle.VerifyInclusion(u - batch.FirstUnit, batch.Count, leaves[index], BatchMerkle.Proof(leaves, index), root))
            {
                throw new InvalidOperationException($"Unit {u}'s announced result is not in batch {batchId}'s root on chain.");
            }

            var output = await _compute.Blobs.ReadAsync(published[index].OutputId, cancellationToken).ConfigureAwait(false);
            var tensors = Phoenix.Compute.Onnx.OnnxUnitFormat.Decode(output.Span);
            EmbeddingSize = (int)tensors[^1].Dimensions[^1];
            verified++;
        }

        ResultsVerified = verified;
        Log.Write($"buyer downloaded {verified} embeddings ({EmbeddingSize} floats each), every one proven against its batch root");
    }
}
