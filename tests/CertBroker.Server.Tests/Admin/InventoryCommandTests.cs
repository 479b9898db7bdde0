using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Accounts;
using CertBroker.Server.Cli;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary><c>certbroker devices …</c> and <c>certbroker certificates …</c> against an in-process broker.</summary>
public sealed class InventoryCommandTests(InventoryBroker broker) : IClassFixture<InventoryBroker>, IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task DevicesImportThenList_PrintsTheImportedDevicesAsATable()
    {
        string file = Path.Combine(_directory.Path, "fleet.csv");
        await File.WriteAllTextAsync(file, "serial,model,location\r\nCLI-1,MX-3071,Floor 3\r\nCLI-2,MX-3071,Floor 4\r\n");

        (int importStatus, string imported) = await RunAsync("devices", "import", file);
        (int listStatus, string listed) = await RunAsync("devices", "list", "-q", "CLI-");

        Assert.Equal((0, 0), (importStatus, listStatus));
        Assert.Equal("2 created, 0 updated.", imported.Trim());
        string[] lines = listed.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length - 1);
        Assert.Contains(lines, l => l.Contains("serialNumber:CLI-2", StringComparison.Ordinal) && l.Contains("none", StringComparison.Ordinal) && l.EndsWith("Floor 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevicesImport_BadRow_FailsNamingTheLineAndField()
    {
        string file = Path.Combine(_directory.Path, "bad.csv");
        await File.WriteAllTextAsync(file, "serial,mac\r\nCLI-BAD,not-a-mac\r\n");

        CommandFailedException failure = await Assert.ThrowsAsync<CommandFailedException>(() => RunAsync("devices", "import", file));

        Assert.Contains("HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Contains("line 2: macAddress:", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificatesImport_Folder_ImportsEveryCertificateFileAndPrintsFindings()
    {
        string folder = Path.Combine(_directory.Path, "ndes-export");
        Directory.CreateDirectory(folder);
        using RSA weakKey = RSA.Create(1024);
        using RSA goodKey = RSA.Create(3072);
        using X509Certificate2 weak = SelfSigned("CN=cli-import-weak", weakKey);
        using X509Certificate2 good = SelfSigned("CN=cli-import-good", goodKey);
        await File.WriteAllTextAsync(Path.Combine(folder, "weak.pem"), weak.ExportCertificatePem());
        await File.WriteAllBytesAsync(Path.Combine(folder, "good.cer"), good.RawData);
        await File.WriteAllTextAsync(Path.Combine(folder, "readme.txt"), "not a certificate");

        (int status, string output) = await RunAsync("certificates", "import", folder);
        (_, string again) = await RunAsync("certificates", "import", Path.Combine(folder, "weak.pem"));

        Assert.Equal(0, status);
        Assert.Contains("good.cer: 1 imported, 0 already present.", output, StringComparison.Ordinal);
        Assert.Contains("weak.pem: 1 imported, 0 already present.", output, StringComparison.Ordinal);
        Assert.Contains("WC-RSA-01 FAIL: RSA key 1024 bits < 2048", output, StringComparison.Ordinal);
        Assert.DoesNotContain("readme", output, StringComparison.Ordinal);
        Assert.StartsWith("weak.pem: 0 imported, 1 already present.", again, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned(string subject, RSA key) =>
        new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300));

    [Fact]
    public async Task CertificatesRevoke_UnknownSerial_FailsWithTheProblemTitle()
    {
        CommandFailedException failure = await Assert.ThrowsAsync<CommandFailedException>(() => RunAsync("certificates", "revoke", "0badc0de", "--reason", "superseded"));

        Assert.Contains("HTTP 404", failure.Message, StringComparison.Ordinal);
        Assert.Contains("No such certificate.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevicesExport_ToFile_WritesTheCsvHeader()
    {
        string file = Path.Combine(_directory.Path, "out.csv");

        (int status, _) = await RunAsync("devices", "export", "-o", file);

        Assert.Equal(0, status);
        Assert.StartsWith("name,manufacturer,model,serial_number,mac_address,ip_address,location,owner,asset_tag", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private async Task<(int Status, string Output)> RunAsync(params string[] args)
    {
        string token = await AdminHttp.CreateTokenAsync(broker.Services, Role.Administrator);
        using var output = new StringWriter();
        var commands = new InventoryCommands(output, broker.Factory.Server.CreateHandler());
        var root = new RootCommand { commands.Devices(), commands.Certificates() };
        int status = await root.Parse([.. args, "--server", "http://localhost", "--token", token]).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (status, output.ToString());
    }
}
