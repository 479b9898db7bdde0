using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The successor CA certificate announced by GetNextCACert (RFC 8894 §3.5.2), from
/// <c>CertBroker:Ca:NextCa:CertificatePath</c>; null when no rollover is configured.
/// </summary>
public sealed class NextCaCertificate(X509Certificate2? certificate) : INextCaSource
{
    public X509Certificate2? Certificate { get; } = certificate;

    X509Certificate2? INextCaSource.NextCaCertificate => Certificate;
}
