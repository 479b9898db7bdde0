using CertBroker.Server.Hosting;
using CertBroker.Server.Tests.Support;
using Serilog;
using Serilog.Formatting.Json;

namespace CertBroker.Server.Tests;

/// <summary>The JSON file log is the service account's alone: 0600 files in a 0700 folder, roll-overs included.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LogFileTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task Start_FreshDataDirectory_LogFolderIs0700AndItsFiles0600()
    {
        await using var factory = new BrokerFactory();
        using (HttpClient client = factory.CreateClient())
        {
            await client.GetAsync("/api/v1/me");
        }

        string logs = Path.Combine(factory.DataDir, "logs");
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(logs));
        string[] files = Directory.GetFiles(logs);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task Start_WorldReadableLogsFromAnEarlierVersion_AreNarrowedTo0600In0700()
    {
        await using var factory = new BrokerFactory();
        string logs = Path.Combine(factory.DataDir, "logs");
        Directory.CreateDirectory(logs);
        File.SetUnixFileMode(logs, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string old = Path.Combine(logs, "certbroker-20250101.json");
        await File.WriteAllTextAsync(old, "{}\n");
        File.SetUnixFileMode(old, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (HttpClient client = factory.CreateClient())
        {
            await client.GetAsync("/api/v1/me");
        }

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(logs));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(old));
    }

    [Fact]
    public void RollOver_ManyFilesBySize_EveryNewFileIs0600()
    {
        using var directory = new TempDirectory();
        string logs = Path.Combine(directory.Path, "logs");
        OwnerOnlyLogFiles.Prepare(logs);

        // The broker's sink with a tiny size limit, so a few hundred lines roll over several times.
        using (Serilog.Core.Logger logger = new LoggerConfiguration()
                   .WriteTo.File(
                       new JsonFormatter(renderMessage: true),
                       Path.Combine(logs, "certbroker-.json"),
                       rollingInterval: RollingInterval.Day,
                       fileSizeLimitBytes: 2048,
                       rollOnFileSizeLimit: true,
                       hooks: new OwnerOnlyLogFiles())
                   .CreateLogger())
        {
            for (int i = 0; i < 200; i++)
            {
                logger.Information("Line {Number} of the roll-over test", i);
            }
        }

        string[] files = Directory.GetFiles(logs);
        Assert.True(files.Length >= 3, $"{files.Length} files");
        Assert.All(files, f => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(f)));
    }
}
