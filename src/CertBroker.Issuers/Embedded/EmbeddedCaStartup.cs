using Microsoft.Extensions.Hosting;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// Makes the host load (or generate) the CA and RA material while starting, so a missing file or a key that does
/// not match its certificate stops start-up instead of failing the first enrolment.
/// </summary>
internal sealed class EmbeddedCaStartup : IHostedService
{
    // Note: taking the issuer and RA as dependencies is what forces the load; the host resolves hosted services first.
    public EmbeddedCaStartup(EmbeddedCertificateIssuer issuer, RegistrationAuthority registrationAuthority)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(registrationAuthority);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
