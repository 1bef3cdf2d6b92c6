using Phoenix.Compute.Models;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Onnx;

public class RealModelTests
{
    private static float[] MeanPooled(OnnxTensor lastHiddenState)
    {
        var values = lastHiddenState.ToFloats();
        var tokens = (int)lastHiddenState.Dimensions[1];
        var width = (int)lastHiddenState.Dimensions[2];
        var pooled = new float[width];
        for (var t = 0; t < tokens; t++)
        {
            for (var d = 0; d < width; d++)
            {
                pooled[d] += values[(t * width) + d] / tokens;
            }
        }

        return pooled;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    [Fact]
    public async Task MiniLm_TwentyRunsOfEachPassage_AreBitIdentical()
    {
        var passages = MiniLmUnits.SamplePassages(3);
        foreach (var passage in passages)
        {
            var inputs = SharedModels.MiniLmUnits.Tensors(passage, 32);
            Hash32? first = null;
            for (var run = 0; run < 20; run++)
            {
                var outputs = await SharedModels.Runner.RunAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, inputs);
                var id = Hash32.Sha256(OnnxUnitFormat.Encode(outputs));
                first ??= id;
                Assert.True(first == id, $"run {run} of '{passage}' gave {id}, run 0 gave {first}");
            }
        }
    }

    [Fact]
    public async Task MiniLm_Embeddings_RankParaphraseAboveUnrelatedSentence()
    {
        async Task<float[]> Embed(string text)
            => MeanPooled((await SharedModels.Runner.RunAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, SharedModels.MiniLmUnits.Tensors(text)))[0]);

        var cat = await Embed("A cat is sleeping on the sofa.");
        var kitten = await Embed("A kitten naps on the couch.");
        var finance = await Embed("Quarterly revenue grew by five percent.");

        Assert.Equal(384, cat.Length);
        Assert.True(Cosine(cat, kitten) > Cosine(cat, finance) + 0.2, $"cos(cat,kitten)={Cosine(cat, kitten)}, cos(cat,finance)={Cosine(cat, finance)}");
    }

    [Fact]
    public async Task MiniLmUnits_Tensors_FrameTokensWithClsAndSep()
    {
        var inputs = SharedModels.MiniLmUnits.Tensors("hello world", 16);

        var ids = inputs[0].ToInt64s();
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], inputs.Select(t => t.Name));
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
        Assert.Equal(4, ids.Length);
        Assert.All(inputs[1].ToInt64s(), v => Assert.Equal(1, v));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ResNet18_RepeatedRuns_AreBitIdenticalAndImagesGetDifferentFeatures()
    {
        var model = SharedModels.ResNet18;
        var id = Hash32.Sha256(model);
        ModelSource source = _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(model);
        var a = ResNet18Units.Tensor(ResNet18Units.SyntheticImage(0));
        var b = ResNet18Units.Tensor(ResNet18Units.SyntheticImage(1));

        var first = await SharedModels.Runner.RunAsync(id, source, [a]);
        var second = await SharedModels.Runner.RunAsync(id, source, [a]);
        var third = await SharedModels.Runner.RunAsync(id, source, [a]);
        var other = await SharedModels.Runner.RunAsync(id, source, [b]);

        Assert.Equal(new long[] { 1, 512, 1, 1 }, first[0].Dimensions);
        Assert.Equal(first[0].RawData.ToArray(), second[0].RawData.ToArray());
        Assert.Equal(first[0].RawData.ToArray(), third[0].RawData.ToArray());
        Assert.NotEqual(first[0].RawData.ToArray(), other[0].RawData.ToArray());
        Assert.All(first[0].ToFloats(), v => Assert.True(float.IsFinite(v)));
    }
}
