using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>
/// With CertBroker:Admin:Urls set, the admin surface and SCEP answer on different ports of real Kestrel, and neither
/// is reachable through the other's port.
/// </summary>
public sealed class AdminListenerTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private Uri _main = null!;
    private Uri _admin = null!;

    public Task InitializeAsync()
    {
        _main = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        _admin = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        _factory.Settings["urls"] = _main.ToString();
        _factory.Settings["CertBroker:Admin:Urls"] = _admin.ToString();
        _factory.UseKestrel();
        _factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AdminApi_AnswersOnlyOnAdminPort()
    {
        using var admin = new HttpClient { BaseAddress = _admin };
        using var main = new HttpClient { BaseAddress = _main };

        HttpResponseMessage onAdmin = await AdminHttp.SendAsync(admin, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);
        HttpResponseMessage onMain = await AdminHttp.SendAsync(main, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, onAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
    }

    [Fact]
    public async Task Metrics_AdminSurface_AnswersOnlyOnAdminPort()
    {
        using var admin = new HttpClient { BaseAddress = _admin };
        using var main = new HttpClient { BaseAddress = _main };

        HttpResponseMessage onAdmin = await AdminHttp.SendAsync(admin, HttpMethod.Get, "/metrics", AdminHttp.Admin);
        HttpResponseMessage onMain = await AdminHttp.SendAsync(main, HttpMethod.Get, "/metrics", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, onAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
    }

    [Fact]
    public async Task Scep_AnswersOnlyOnMainPort_EvenWithAdminHostHeader()
    {
        using var admin = new HttpClient { BaseAddress = _admin };
        using var main = new HttpClient { BaseAddress = _main };

        HttpResponseMessage onMain = await main.GetAsync("/scep?operation=GetCACaps");
        HttpResponseMessage onAdmin = await admin.GetAsync("/scep?operation=GetCACaps");
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me") { Headers = { Authorization = AdminHttp.Admin, Host = _admin.Authority } };
        HttpResponseMessage spoofedOnMain = await main.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.OK, onMain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, spoofedOnMain.StatusCode);
    }

    [Fact]
    public async Task HttpsAdminListener_WithKestrelDefaultCertificate_ServesApiOverTls()
    {
        await using var factory = new BrokerFactory();
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=broker-admin.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string certificatePath = Path.Combine(factory.DataDir, "admin-tls.pem");
        string keyPath = Path.Combine(factory.DataDir, "admin-tls.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var admin = new Uri($"https://127.0.0.1:{LoopbackPort.Free()}");
        factory.Settings["urls"] = $"http://127.0.0.1:{LoopbackPort.Free()}";
        factory.Settings["CertBroker:Admin:Urls"] = admin.ToString();
        factory.Settings["Kestrel:Certificates:Default:Path"] = certificatePath;
        factory.Settings["Kestrel:Certificates:Default:KeyPath"] = keyPath;
        factory.UseKestrel();
        factory.StartServer();
        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, serverCertificate, _, _) =>
            {
                presented = serverCertificate?.Thumbprint;
                return true;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = admin };

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.Thumbprint, presented);
    }

    [Fact]
    public async Task Start_AdminUrlOnMainPort_FailsAndSaysWhy()
    {
        await using var factory = new BrokerFactory();
        int port = LoopbackPort.Free();
        factory.Settings["urls"] = $"http://127.0.0.1:{port}";
        factory.Settings["CertBroker:Admin:Urls"] = $"http://localhost:{port}";

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        string log = string.Join('\n', Directory.GetFiles(Path.Combine(factory.DataDir, "logs")).Select(File.ReadAllText));
        Assert.Contains("CertBroker cannot start", log, StringComparison.Ordinal);
        Assert.Contains("share a port", log, StringComparison.Ordinal);
    }
}
