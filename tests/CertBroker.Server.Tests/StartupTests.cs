using System.Diagnostics;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>Unusable configuration stops the service before it listens, with a message an operator can act on.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Start_ConfiguredCaFilesMissing_FailsAndLogsWhichFile()
    {
        await using var factory = new BrokerFactory();
        string missing = Path.Combine(factory.DataDir, "not-there");
        ConfigureMissingCa(factory.Settings, missing);

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        string log = ReadLogs(factory.DataDir);
        Assert.Contains("CertBroker cannot start", log, StringComparison.Ordinal);
        Assert.Contains($"The CA certificate file '{Path.Combine(missing, "ca.pem")}' does not exist.", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DatabaseCreatedWithAnotherCa_FailsNamingBothCertificates()
    {
        await using var first = new BrokerFactory();
        first.CreateClient().Dispose();
        await using var second = new BrokerFactory();
        second.Settings["CertBroker:Storage:Sqlite:DatabasePath"] = Path.Combine(first.DataDir, "certbroker.db");

        // The second node generated a dev CA of its own, so it must not sign for the first one's installation.
        Assert.ThrowsAny<Exception>(() => second.CreateClient());

        string log = ReadLogs(second.DataDir);
        Assert.Contains("CertBroker cannot start", log, StringComparison.Ordinal);
        Assert.Contains($"(SHA-256 {Thumbprint(second.DataDir)}) is not the one the database was created with (SHA-256 {Thumbprint(first.DataDir)})", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidBrokerOptions_FailsAndLogsEveryProblem()
    {
        await using var factory = new BrokerFactory();
        factory.Settings["CertBroker:MaxMessageBytes"] = "10";
        factory.Settings["CertBroker:Profiles:vpn:ValidityDays"] = "0";

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        string log = ReadLogs(factory.DataDir);
        Assert.Contains("CertBroker cannot start", log, StringComparison.Ordinal);
        Assert.Contains("MaxMessageBytes must be between 1024 and 1048576; got 10", log, StringComparison.Ordinal);
        Assert.Contains("Profiles:vpn:ValidityDays must be between 1 and 3650; got 0", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_ConfiguredCaFilesMissing_ExitsWithStatus1AndSaysWhyWithoutStackTrace()
    {
        using var directory = new TempDirectory();
        string missing = Path.Combine(directory.Path, "not-there");
        var settings = new Dictionary<string, string?>();
        ConfigureMissingCa(settings, missing);

        (int exitCode, string text) = await RunProcessAsync(directory, settings);

        Assert.Equal(1, exitCode);
        Assert.Contains($"CertBroker cannot start: The CA certificate file '{Path.Combine(missing, "ca.pem")}' does not exist.", text, StringComparison.Ordinal);
        AssertNoStackTrace(text);
    }

    [Fact]
    public async Task Process_SeveralInvalidOptions_PrintsOneLineEachAndCreatesNothing()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["CertBroker:Monitoring:Token"] = new string('x', 31),
            ["CertBroker:MaxMessageBytes"] = "10",
        };

        (int exitCode, string text) = await RunProcessAsync(directory, settings);

        Assert.Equal(1, exitCode);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("CertBroker cannot start: CertBroker:Monitoring:Token must be at least 32 characters (it is 31)", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("CertBroker cannot start: CertBroker:MaxMessageBytes must be between 1024 and 1048576; got 10", StringComparison.Ordinal));
        AssertNoStackTrace(text);
        Assert.False(File.Exists(Path.Combine(directory.Path, "data", "certbroker.db")), "a configuration mistake must not create the database");
    }

    [Fact]
    public async Task Process_UnknownConsoleFormat_ExitsWithStatus1AndNamesTheKey()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["CertBroker:Logging:ConsoleFormat"] = "Xml" };

        (int exitCode, string text) = await RunProcessAsync(directory, settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("CertBroker cannot start:", text, StringComparison.Ordinal);
        Assert.Contains("CertBroker:Logging:ConsoleFormat", text, StringComparison.Ordinal);
        AssertNoStackTrace(text);
    }

    private static void AssertNoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(TempDirectory directory, IDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "certbroker.dll"));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["CertBroker__DataDir"] = Path.Combine(directory.Path, "data");
        foreach ((string key, string? value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    private static void ConfigureMissingCa(IDictionary<string, string?> settings, string directory)
    {
        settings["CertBroker:Ca:CertificatePath"] = Path.Combine(directory, "ca.pem");
        settings["CertBroker:Ca:KeyPath"] = Path.Combine(directory, "ca-key.pem");
        settings["CertBroker:Ca:Ra:SigningCertificatePath"] = Path.Combine(directory, "ra.pem");
        settings["CertBroker:Ca:Ra:SigningKeyPath"] = Path.Combine(directory, "ra-key.pem");
    }

    private static string Thumbprint(string dataDir)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(dataDir, "ca", "ca-cert.pem")));
        return certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant();
    }

    private static string ReadLogs(string dataDir) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(dataDir, "logs")).Select(File.ReadAllText));
}
