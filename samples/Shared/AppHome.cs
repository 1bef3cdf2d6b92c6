using System.Text.Json;
using System.Text.Json.Nodes;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Apps;

/// <summary>A miner's or buyer's home directory: an encrypted keystore plus a JSON config file.</summary>
public static class AppHome
{
    /// <summary>The environment variable holding the keystore password when no --password-file is given.</summary>
    public const string PasswordVariable = "PHOENIX_KEYSTORE_PASSWORD";

    /// <summary>The keystore file name inside a home directory.</summary>
    public const string KeystoreFile = "keystore.json";

    /// <summary>Reads the keystore password from a file (first line) or from <see cref="PasswordVariable"/>.</summary>
    public static string ReadPassword(string? passwordFile)
    {
        if (passwordFile is not null)
        {
            if (!File.Exists(passwordFile))
            {
                throw new AppConfigurationException($"password file '{passwordFile}' does not exist.");
            }

            var line = File.ReadLines(passwordFile).FirstOrDefault();
            return string.IsNullOrEmpty(line) ? throw new AppConfigurationException($"password file '{passwordFile}' is empty.") : line;
        }

        var env = Environment.GetEnvironmentVariable(PasswordVariable);
        return string.IsNullOrEmpty(env)
            ? throw new AppConfigurationException($"no keystore password: pass --password-file or set {PasswordVariable}.")
            : env;
    }

    /// <summary>
    /// Creates the home directory: a wallet from <paramref name="mnemonicPhrase"/> (or a new 24-word mnemonic),
    /// its encrypted keystore, and <paramref name="configFile"/> holding <paramref name="config"/>. Refuses an
    /// existing keystore or config, writing nothing.
    /// </summary>
    /// <returns>The wallet's address and the mnemonic when a new one was generated (to show once), else null.</returns>
    public static async Task<(string Address, string? NewMnemonic)> InitializeAsync(string home, string configFile, JsonObject config, string? mnemonicPhrase, string password, CancellationToken ct)
    {
        var keystore = Path.Combine(home, KeystoreFile);
        var configPath = Path.Combine(home, configFile);
        if (File.Exists(keystore) || File.Exists(configPath))
        {
            throw new AppConfigurationException($"'{home}' is already initialized ({KeystoreFile} or {configFile} exists).");
        }

        Mnemonic mnemonic;
        string? generated = null;
        if (mnemonicPhrase is null)
        {
            mnemonic = Mnemonic.Generate();
            generated = mnemonic.ToPhrase();
        }
        else if (!Mnemonic.TryParse(mnemonicPhrase, out mnemonic!))
        {
            throw new AppConfigurationException("--mnemonic is not a valid BIP-39 phrase.");
        }

        Directory.CreateDirectory(home);
        using var wallet = Wallet.FromMnemonic(mnemonic);
        await Keystore.SaveAsync(wallet, keystore, password, cancellationToken: ct);
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        return (wallet.Address.ToString(), generated);
    }

    /// <summary>Loads the wallet from the home's keystore.</summary>
    public static Task<Wallet> LoadWalletAsync(string home, string password, CancellationToken ct)
    {
        var keystore = Path.Combine(home, KeystoreFile);
        return File.Exists(keystore)
            ? Keystore.LoadAsync(keystore, password, ct)
            : throw new AppConfigurationException($"'{home}' has no {KeystoreFile}: run init first.");
    }

    /// <summary>Reads the node endpoints from a config file: <c>Phoenix:Client:Endpoints</c>, overridden by <paramref name="nodes"/> when any are given.</summary>
    public static IReadOnlyList<Uri> Endpoints(JsonNode config, IReadOnlyList<string>? nodes)
    {
        var raw = nodes is { Count: > 0 }
            ? nodes
            : config["Phoenix"]?["Client"]?["Endpoints"]?.AsArray().Select(n => n?.GetValue<string>() ?? string.Empty).ToList() ?? [];
        if (raw.Count == 0)
        {
            throw new AppConfigurationException("no node endpoint: set Phoenix.Client.Endpoints in the config or pass --node.");
        }

        return raw.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : throw new AppConfigurationException($"node endpoint '{u}' is not an absolute URL.")).ToList();
    }

    /// <summary>Reads a JSON config file from the home directory.</summary>
    public static JsonNode ReadConfig(string home, string configFile)
    {
        var path = Path.Combine(home, configFile);
        if (!File.Exists(path))
        {
            throw new AppConfigurationException($"'{home}' has no {configFile}: run init first.");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? throw new AppConfigurationException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new AppConfigurationException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Builds a client for the given endpoints.</summary>
    public static PhoenixClient CreateClient(IReadOnlyList<Uri> endpoints)
    {
        var builder = new PhoenixClientBuilder();
        foreach (var e in endpoints)
        {
            builder.AddEndpoint(e);
        }

        return builder.Build();
    }
}

/// <summary>A miner or buyer home, config file or command-line value is unusable; nothing was changed.</summary>
public sealed class AppConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AppConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AppConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AppConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
