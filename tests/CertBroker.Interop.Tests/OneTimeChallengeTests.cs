using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// CertBroker with a profile <c>mfd</c> using one-time challenges, and a bootstrap Administrator to ask for them.
/// </summary>
public sealed class OneTimeChallengeFixture : ServerFixture, IServerKind
{
    public const string AdminPassword = "Interop-Admin-Pw-1";

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep/mfd"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge,
    [
        new("CertBroker:Profiles:mfd:Challenge", "OneTime"),
        new("CertBroker:Admin:BootstrapPassword", AdminPassword),
        new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
    ]);
}

/// <summary>micromdm's scepclient enrolling with a one-time password from the admin API and from the NDES-style page.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class OneTimeChallengeTests(OneTimeChallengeFixture fixture, ITestOutputHelper output) : IClassFixture<OneTimeChallengeFixture>
{
    [Fact]
    public async Task ScepClient_PasswordFromApi_EnrolsOnceAndIsRefusedTheSecondTime()
    {
        using HttpClient admin = AdminClient();
        HttpResponseMessage response = await admin.PostAsJsonAsync("api/v1/challenges", new { profile = "mfd" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        string password = JsonDocument.Parse(body).RootElement.GetProperty("password").GetString()!;

        ScepClientRun first = await EnrolAsync(password, "otp-device-1");
        ScepClientRun second = await EnrolAsync(password, "otp-device-2");

        Assert.True(first.Process.Succeeded && first.CertificateWritten, IssuedCertificate.Evidence(fixture, first.Process.Describe()));
        await IssuedCertificate.AssertVerifiesAsync(fixture, "/scep/mfd", first.CertificateFile, first.Process.Describe());
        Assert.False(second.Process.TimedOut, IssuedCertificate.Evidence(fixture, second.Process.Describe()));
        Assert.NotEqual(0, second.Process.ExitCode);
        Assert.False(second.CertificateWritten, "scepclient got a certificate with a password that was already used");
    }

    [Fact]
    public async Task ScepClient_PasswordScrapedFromMscepAdminPage_Enrols()
    {
        using HttpClient admin = AdminClient();
        byte[] page = await admin.GetByteArrayAsync("certsrv/mscep_admin/?profile=mfd");
        Match match = Regex.Match(Encoding.Unicode.GetString(page), @"(?i)The enrollment challenge password is: <B> (?<password>\S*)", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, "no password on the page");

        ScepClientRun run = await EnrolAsync(match.Groups["password"].Value, "otp-scraped");

        Assert.True(run.Process.Succeeded && run.CertificateWritten, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
    }

    private HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + OneTimeChallengeFixture.AdminPassword)));
        return client;
    }

    private async Task<ScepClientRun> EnrolAsync(string password, string commonName)
    {
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.Server.Url("/scep/mfd"), password, directory, commonName);
        output.WriteLine(run.Process.Describe());
        return run;
    }
}
