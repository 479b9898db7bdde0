using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Profiles;

/// <summary>The profile's part of an issued certificate.</summary>
/// <param name="Validity">How long the certificate is valid from issuance.</param>
/// <param name="KeyUsage">The keyUsage extension (critical).</param>
/// <param name="ExtendedKeyUsages">Extended key usage OIDs; empty means no extendedKeyUsage extension.</param>
public sealed record CertificateTemplate(
    TimeSpan Validity,
    X509KeyUsageFlags KeyUsage,
    IReadOnlyList<string> ExtendedKeyUsages);
