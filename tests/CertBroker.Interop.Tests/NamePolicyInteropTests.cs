using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// CertBroker with a profile <c>names</c> whose name policy allows a CN, DNS names under example.test, addresses in
/// 192.0.2.0/24, mailboxes at example.test and UPNs at users.example.test; a profile <c>bound</c> with one-time
/// passwords; and a bootstrap Administrator.
/// </summary>
public sealed class NamePolicyFixture : ServerFixture, IServerKind
{
    public const string AdminPassword = "Interop-Names-Pw-1";

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep/names"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge,
    [
        new("CertBroker:Profiles:names:ChallengePassword", Challenge),
        new("CertBroker:Profiles:names:Names:SubjectAttributes:0", "CN"),
        new("CertBroker:Profiles:names:Names:SubjectAltNameTypes:0", "dNSName"),
        new("CertBroker:Profiles:names:Names:SubjectAltNameTypes:1", "iPAddress"),
        new("CertBroker:Profiles:names:Names:SubjectAltNameTypes:2", "rfc822Name"),
        new("CertBroker:Profiles:names:Names:SubjectAltNameTypes:3", "upn"),
        new("CertBroker:Profiles:names:Names:SubjectAltNameTypes:4", "kerberosPrincipal"),
        new("CertBroker:Profiles:names:Names:KerberosRealms:0", "users.example.test"),
        new("CertBroker:Profiles:names:Names:DnsSuffixes:0", "example.test"),
        new("CertBroker:Profiles:names:Names:EmailDomains:0", "example.test"),
        new("CertBroker:Profiles:names:Names:UpnSuffixes:0", "users.example.test"),
        new("CertBroker:Profiles:names:Names:IpRanges:0", "192.0.2.0/24"),
        new("CertBroker:Profiles:bound:Challenge", "OneTime"),
        new("CertBroker:Profiles:bound:Names:SubjectAttributes:0", "CN"),
        new("CertBroker:Admin:BootstrapPassword", AdminPassword),
        new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
    ]);
}

/// <summary>certmonger and strongSwan asking for names: what the profile allows, what it refuses, and what a renewal,
/// a bound one-time password or a look-alike certificate cannot add.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class NamePolicyInteropTests(NamePolicyFixture fixture, ITestOutputHelper output) : IClassFixture<NamePolicyFixture>
{
    private const string Path = "/scep/names";
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Certmonger_NamesTheProfileAllows_IssuedWithExactlyThoseNames()
    {
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("names", fixture.Server.Url(Path));

        CertmongerRun run = await certmonger.RequestAsync("names", "allowed", "CN=host1.example.test", ServerFixture.Challenge, WaitTimeout,
            names: ["-D", "host1.example.test", "-E", "ops@example.test", "-K", "host1@users.example.test", "-A", "192.0.2.10"]);
        output.WriteLine(run.Describe());

        Assert.True(run.Issued, IssuedCertificate.Evidence(fixture, run.Describe() + "\n" + certmonger.DaemonLog));
        using X509Certificate2 certificate = OpenSsl.Load(run.CertificateFile);
        Assert.Equal("CN=host1.example.test", certificate.Subject);
        string names = SubjectAltNames(certificate);
        Assert.Contains("DNS:host1.example.test", names, StringComparison.Ordinal);
        Assert.Contains("ops@example.test", names, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10", names, StringComparison.Ordinal);
        Assert.Contains("host1@users.example.test", names, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-K", "administrator@corp.example.test")]
    [InlineData("-D", "intranet.example.org")]
    [InlineData("-A", "203.0.113.7")]
    [InlineData("-E", "ceo@elsewhere.test")]
    public async Task Certmonger_NameTheProfileRefuses_RejectedWithoutCertificate(string option, string value)
    {
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("names", fixture.Server.Url(Path));

        CertmongerRun run = await certmonger.RequestAsync("names", "refused", "CN=host2.example.test", ServerFixture.Challenge, WaitTimeout,
            names: ["-D", "host2.example.test", option, value]);
        output.WriteLine(run.Describe());

        Assert.True(run.State.Status == "CA_REJECTED", IssuedCertificate.Evidence(fixture, run.Describe() + "\n" + certmonger.DaemonLog));
        Assert.False(File.Exists(run.CertificateFile), $"certmonger got a certificate naming {value}");
    }

    [Fact]
    public async Task StrongSwan_SanInsideAndOutsideTheProfile_IssuedAndRefused()
    {
        (StrongSwanRun allowed, _, _) = await PkiAsync("pki-san-ok", "CN=vpn-gw.example.test", ServerFixture.Challenge, ["vpn-gw.example.test", "192.0.2.20"]);
        (StrongSwanRun refused, _, _) = await PkiAsync("pki-san-bad", "CN=vpn-gw2.example.test", ServerFixture.Challenge, ["vpn-gw2.example.test", "www.bank.test"]);

        Assert.True(allowed.CertificateWritten, IssuedCertificate.Evidence(fixture, allowed.Process.Describe()));
        using X509Certificate2 certificate = OpenSsl.Load(allowed.CertificateFile);
        Assert.Contains("DNS:vpn-gw.example.test", SubjectAltNames(certificate), StringComparison.Ordinal);
        Assert.False(refused.Process.TimedOut, IssuedCertificate.Evidence(fixture, refused.Process.Describe()));
        Assert.False(refused.CertificateWritten, "pki got a certificate naming www.bank.test");
    }

    [Fact]
    public async Task StrongSwan_RenewalThatChangesItsNames_RefusedWhileTheSameNamesRenew()
    {
        (StrongSwanRun enrol, string oldKey, StrongSwanCaFiles ca) = await PkiAsync("pki-rename", "CN=laptop.example.test", ServerFixture.Challenge, ["laptop.example.test"]);
        Assert.True(enrol.CertificateWritten, IssuedCertificate.Evidence(fixture, enrol.Process.Describe()));

        StrongSwanRun renamed = await RenewAsync(ca, enrol.CertificateFile, oldKey, "CN=laptop.example.test", ["laptop.example.test", "fileserver.example.test"], "renamed");
        StrongSwanRun same = await RenewAsync(ca, enrol.CertificateFile, oldKey, "CN=laptop.example.test", ["laptop.example.test"], "same");

        Assert.False(renamed.CertificateWritten, "a renewal without a challenge added fileserver.example.test");
        Assert.True(same.CertificateWritten, IssuedCertificate.Evidence(fixture, same.Process.Describe()));
    }

    [Fact]
    public async Task StrongSwan_SecondRenewalFromAnAlreadyRenewedCertificate_Refused()
    {
        (StrongSwanRun enrol, string oldKey, StrongSwanCaFiles ca) = await PkiAsync("pki-twice", "CN=twice.example.test", ServerFixture.Challenge, ["twice.example.test"]);
        Assert.True(enrol.CertificateWritten, IssuedCertificate.Evidence(fixture, enrol.Process.Describe()));

        StrongSwanRun first = await RenewAsync(ca, enrol.CertificateFile, oldKey, "CN=twice.example.test", ["twice.example.test"], "first");
        StrongSwanRun second = await RenewAsync(ca, enrol.CertificateFile, oldKey, "CN=twice.example.test", ["twice.example.test"], "second");

        Assert.True(first.CertificateWritten, IssuedCertificate.Evidence(fixture, first.Process.Describe()));
        Assert.False(second.Process.TimedOut, IssuedCertificate.Evidence(fixture, second.Process.Describe()));
        Assert.False(second.CertificateWritten, "the replaced certificate authorised a second renewal");
    }

    [Fact]
    public async Task StrongSwan_BoundPasswordWithAnExtraSan_RefusedAndTheBoundNameAloneIssued()
    {
        string password = await OneTimePasswordAsync("dev1.example.test");

        (StrongSwanRun extra, _, _) = await PkiAsync("pki-bound-extra", "CN=dev1.example.test", password, ["dev1.example.test", "ceo-laptop.example.test"], "/scep/bound");
        (StrongSwanRun bound, _, _) = await PkiAsync("pki-bound", "CN=dev1.example.test", password, ["dev1.example.test"], "/scep/bound");

        Assert.False(extra.Process.TimedOut, IssuedCertificate.Evidence(fixture, extra.Process.Describe()));
        Assert.False(extra.CertificateWritten, "a password bound to dev1.example.test bought ceo-laptop.example.test too");
        Assert.True(bound.CertificateWritten, IssuedCertificate.Evidence(fixture, bound.Process.Describe()));
    }

    [Fact]
    public async Task ImportedLookAlikeOfOurCa_RefusedAtImportAndCannotRenew()
    {
        string directory = fixture.NewWorkDirectory("look-alike");
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.Server.Url(Path), directory);
        using X509Certificate2 ourCa = OpenSsl.Load(ca.CaFile);
        string keyFile = System.IO.Path.Combine(directory, "look-alike-key.pem");
        await fixture.Keys.TakeAsync(keyFile);
        using RSA deviceKey = RSA.Create();
        deviceKey.ImportFromPem(await File.ReadAllTextAsync(keyFile));
        using RSA forger = RSA.Create(2048);
        var request = new CertificateRequest("CN=admin-laptop.example.test", deviceKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 lookAlike = request.Create(ourCa.SubjectName, X509SignatureGenerator.CreateForRSA(forger, RSASignaturePadding.Pkcs1), now.AddDays(-1), now.AddDays(30), [7, 7, 7, 7]);
        string lookAlikeFile = System.IO.Path.Combine(directory, "look-alike.pem");
        await File.WriteAllTextAsync(lookAlikeFile, lookAlike.ExportCertificatePem());

        using HttpClient admin = AdminClient();
        HttpResponseMessage import = await admin.PostAsync("api/v1/certificates/import?profile=names", new ByteArrayContent(Encoding.ASCII.GetBytes(lookAlike.ExportCertificatePem())));
        StrongSwanRun renewal = await RenewAsync(ca, lookAlikeFile, keyFile, "CN=admin-laptop.example.test", [], "look-alike");

        Assert.Equal(HttpStatusCode.BadRequest, import.StatusCode);
        Assert.Contains("did not sign it", await import.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(renewal.Process.TimedOut, IssuedCertificate.Evidence(fixture, renewal.Process.Describe()));
        Assert.False(renewal.CertificateWritten, "a certificate our CA never signed authorised a renewal");
    }

    private async Task<(StrongSwanRun Run, string KeyFile, StrongSwanCaFiles Ca)> PkiAsync(
        string name, string distinguishedName, string password, IReadOnlyList<string> subjectAltNames, string path = Path)
    {
        string directory = fixture.NewWorkDirectory(name);
        string url = fixture.Server.Url(path);
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(url, directory);
        string keyFile = System.IO.Path.Combine(directory, "key.pem");
        await fixture.Keys.TakeAsync(keyFile);
        StrongSwanRun run = await StrongSwanDriver.EnrolAsync(
            url, ca, keyFile, distinguishedName, password, StrongSwanCipher.Aes, System.IO.Path.Combine(directory, "cert.pem"), subjectAltNames: subjectAltNames);
        output.WriteLine(run.Process.Describe());
        return (run, keyFile, ca);
    }

    // A RenewalReq for a new key, signed with the old pair, without a challenge.
    private async Task<StrongSwanRun> RenewAsync(
        StrongSwanCaFiles ca, string oldCertificate, string oldKey, string distinguishedName, IReadOnlyList<string> subjectAltNames, string name)
    {
        string directory = fixture.NewWorkDirectory($"renew-{name}");
        string newKey = System.IO.Path.Combine(directory, "key.pem");
        await fixture.Keys.TakeAsync(newKey);
        StrongSwanRun run = await StrongSwanDriver.EnrolAsync(
            fixture.Server.Url(Path), ca, newKey, distinguishedName, null, StrongSwanCipher.Aes, System.IO.Path.Combine(directory, "cert.pem"),
            renewal: (oldCertificate, oldKey), subjectAltNames: subjectAltNames);
        output.WriteLine(run.Process.Describe());
        return run;
    }

    private async Task<string> OneTimePasswordAsync(string san)
    {
        using HttpClient admin = AdminClient();
        HttpResponseMessage response = await admin.PostAsJsonAsync("api/v1/challenges", new { profile = "bound", binding = new { san } });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("password").GetString()!;
    }

    private HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + NamePolicyFixture.AdminPassword)));
        return client;
    }

    private static string SubjectAltNames(X509Certificate2 certificate) =>
        certificate.Extensions["2.5.29.17"]?.Format(multiLine: false) ?? "";
}
