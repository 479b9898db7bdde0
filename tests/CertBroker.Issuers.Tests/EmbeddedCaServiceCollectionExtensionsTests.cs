using CertBroker.Core.Backends;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Tests;

public sealed class EmbeddedCaServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task AddEmbeddedCa_EmptyDataDirectory_ResolvesIssuerCrlPublisherAndRaOverGeneratedMaterial()
    {
        using var services = Build(new Dictionary<string, string?> { ["CertBroker:DataDir"] = data.Path });

        foreach (var hostedService in services.GetServices<IHostedService>())
        {
            await hostedService.StartAsync(CancellationToken.None);
        }

        var issuer = services.GetRequiredService<ICertificateIssuer>();
        Assert.Same(issuer, services.GetRequiredService<ICrlPublisher>());
        var registrationAuthority = services.GetRequiredService<IRegistrationAuthority>();
        Assert.Equal("CN=CertBroker RA Signing, O=CertBroker Dev", registrationAuthority.SigningCertificate.Subject);
        Assert.Null(services.GetRequiredService<NextCaCertificate>().Certificate);
        Assert.True(File.Exists(Path.Combine(data.Path, "ca", "ca-cert.pem")));

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        Assert.Equal(issuer.CaChain[0].Subject, certificate.Issuer);
        Assert.NotEmpty(await services.GetRequiredService<ICrlPublisher>().GetCurrentCrlAsync(CancellationToken.None));
        // The CRL and its number go to the shared store, no longer to a file.
        Assert.Equal(1, await services.GetRequiredService<CertBroker.Core.Cluster.ICrlStore>()
            .NewestNumberAsync(EmbeddedCertificateIssuer.CrlIssuerOf(issuer.CaChain[0]), CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(data.Path, "ca", "crl-number")));
    }

    [Fact]
    public void AddEmbeddedCa_ConfigurationSection_BindsOptions()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["CertBroker:DataDir"] = data.Path,
            ["CertBroker:Ca:KeySize"] = "4096",
            ["CertBroker:Ca:CrlDistributionPointUrl"] = "http://pki.example.com/ca.crl",
            ["CertBroker:Ca:Pkcs12Path"] = "/etc/certbroker/ca.p12",
            ["CertBroker:Ca:Ra:SigningPkcs12Path"] = "/etc/certbroker/ra.p12",
            ["CertBroker:Ca:NextCa:CertificatePath"] = "/etc/certbroker/next.pem",
        });

        var options = services.GetRequiredService<IOptions<EmbeddedCaOptions>>().Value;

        Assert.Equal(4096, options.KeySize);
        Assert.Equal("http://pki.example.com/ca.crl", options.CrlDistributionPointUrl);
        Assert.Equal("/etc/certbroker/ca.p12", options.Pkcs12Path);
        Assert.Equal("/etc/certbroker/ra.p12", options.Ra.SigningPkcs12Path);
        Assert.Equal("/etc/certbroker/next.pem", options.NextCa.CertificatePath);
    }

    [Fact]
    public void AddEmbeddedCa_HalfConfiguredMaterial_FailsValidationWithEveryProblem()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["CertBroker:DataDir"] = data.Path,
            ["CertBroker:Ca:CertificatePath"] = "/etc/certbroker/ca.pem",
            ["CertBroker:Ca:Ra:SigningCertificatePath"] = "/etc/certbroker/ra.pem",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmbeddedCaOptions>>().Value);

        Assert.Equal(2, exception.Failures.Count());
    }

    [Fact]
    public void AddEmbeddedCa_MissingConfiguredFile_FailsWhenTheHostStarts()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["CertBroker:DataDir"] = data.Path,
            ["CertBroker:Ca:Pkcs12Path"] = data.File("absent-ca.p12"),
            ["CertBroker:Ca:Ra:SigningPkcs12Path"] = data.File("absent-ra.p12"),
        });

        var exception = Assert.Throws<KeyMaterialException>(() => services.GetServices<IHostedService>().ToList());

        Assert.Contains("absent-ca.p12", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<ICertificateStore, InMemoryCertificateStore>();
        services.AddSingleton<CertBroker.Core.Cluster.ICrlStore, CertBroker.Core.Cluster.MemoryCrlStore>();
        services.AddEmbeddedCa(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
