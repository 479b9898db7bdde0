using CertBroker.Core.Backends;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Embedded;

public static class EmbeddedCaServiceCollectionExtensions
{
    /// <summary>Configuration key of the broker's data directory.</summary>
    public const string DataDirectoryKey = "CertBroker:DataDir";

    /// <summary>Data directory used when <see cref="DataDirectoryKey"/> is not set.</summary>
    public const string DefaultDataDirectory = "./data";

    /// <summary>
    /// Registers the embedded CA as <see cref="ICertificateIssuer"/> and <see cref="ICrlPublisher"/>, its RA as
    /// <see cref="IRegistrationAuthority"/>, plus <see cref="CaKeyMaterial"/> and <see cref="NextCaCertificate"/>,
    /// all singletons. Options bind from <see cref="EmbeddedCaOptions.SectionName"/> of
    /// <paramref name="configuration"/> and are validated on start; the data directory is read from
    /// <c>CertBroker:DataDir</c> of the same configuration (default <c>./data</c>, relative to the working directory
    /// at registration). The material is loaded while the host starts. Needs an <c>ICertificateStore</c> and logging
    /// registered elsewhere; registers <see cref="TimeProvider.System"/> unless a TimeProvider is already registered.
    /// </summary>
    public static IServiceCollection AddEmbeddedCa(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Bound from the configuration passed in (not the container's) so the data directory and the options
        // always come from the same source.
        services.AddOptions<EmbeddedCaOptions>()
            .Bind(configuration.GetSection(EmbeddedCaOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedCaOptions>, EmbeddedCaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var configured = configuration[DataDirectoryKey];
        var dataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? DefaultDataDirectory : configured);

        services.AddSingleton(provider => new KeyMaterialProvider(
            provider.GetRequiredService<IOptions<EmbeddedCaOptions>>(),
            dataDirectory,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<KeyMaterialProvider>>()));

        // DI factories are synchronous. This runs once, while the host starts (EmbeddedCaStartup), and ASP.NET Core
        // has no synchronization context, so blocking on the load cannot deadlock.
        services.AddSingleton(provider =>
            provider.GetRequiredService<KeyMaterialProvider>().LoadOrCreateAsync(CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton(_ => new CrlNumberFile(Path.Combine(dataDirectory, KeyMaterialProvider.FolderName, CrlNumberFile.FileName)));
        services.AddSingleton(provider => new NextCaCertificate(provider.GetRequiredService<CaKeyMaterial>().NextCaCertificate));
        services.AddSingleton<INextCaSource>(provider => provider.GetRequiredService<NextCaCertificate>());

        services.AddSingleton<EmbeddedCertificateIssuer>();
        services.AddSingleton<ICertificateIssuer>(provider => provider.GetRequiredService<EmbeddedCertificateIssuer>());
        services.AddSingleton<ICrlPublisher>(provider => provider.GetRequiredService<EmbeddedCertificateIssuer>());
        services.AddSingleton<RegistrationAuthority>();
        services.AddSingleton<IRegistrationAuthority>(provider => provider.GetRequiredService<RegistrationAuthority>());
        services.AddHostedService<EmbeddedCaStartup>();
        return services;
    }
}
