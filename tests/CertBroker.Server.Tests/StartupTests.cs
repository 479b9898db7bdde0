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
    public async Task Process_ConfiguredCaFilesMissing_ExitsWithStatus1AndSaysWhy()
    {
        using var directory = new TempDirectory();
        string missing = Path.Combine(directory.Path, "not-there");
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
        var settings = new Dictionary<string, string?>();
        ConfigureMissingCa(settings, missing);
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

        string text = await output + await error;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("CertBroker cannot start", text, StringComparison.Ordinal);
        Assert.Contains($"The CA certificate file '{Path.Combine(missing, "ca.pem")}' does not exist.", text, StringComparison.Ordinal);
    }

    private static void ConfigureMissingCa(IDictionary<string, string?> settings, string directory)
    {
        settings["CertBroker:Ca:CertificatePath"] = Path.Combine(directory, "ca.pem");
        settings["CertBroker:Ca:KeyPath"] = Path.Combine(directory, "ca-key.pem");
        settings["CertBroker:Ca:Ra:SigningCertificatePath"] = Path.Combine(directory, "ra.pem");
        settings["CertBroker:Ca:Ra:SigningKeyPath"] = Path.Combine(directory, "ra-key.pem");
    }

    private static string ReadLogs(string dataDir) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(dataDir, "logs")).Select(File.ReadAllText));
}
