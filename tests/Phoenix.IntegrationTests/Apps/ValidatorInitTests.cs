namespace Phoenix.IntegrationTests.Apps;

/// <summary><c>Phoenix.Validator init</c> refuses bad genesis options with a message, writing nothing.</summary>
public sealed class ValidatorInitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("phx-vinit-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("--account", "not-an-address=1000000uphnx", "--account")]
    [InlineData("--account", "{alice}=12phnx", "--account")]
    [InlineData("--challenge-window-seconds", "0", "--challenge-window-seconds")]
    public async Task Init_BadOption_FailsNamingItAndWritesNothing(string option, string value, string named)
    {
        var home = Path.Combine(_root, "v0");

        // A valid address with an amount in no denomination, or the other bad values as given.
        value = value.Replace("{alice}", Phoenix.TestKit.TestKeys.Alice.Address.ToString(), StringComparison.Ordinal);
        var (code, output) = await AppProcess.RunAsync("Phoenix.Validator", "init", "--home", home, option, value);

        Assert.NotEqual(0, code);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home), "init wrote a home directory despite the error");
    }
}
