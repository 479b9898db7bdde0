using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Issuing;

/// <summary>What the broker asks an issuer to sign: the CSR's subject and key, and what the profile adds.</summary>
/// <param name="Subject">The subject name taken from the CSR (DER preserved as sent).</param>
/// <param name="PublicKey">The subject public key from the CSR.</param>
/// <param name="SubjectAlternativeName">The CSR's subjectAltName extension, if it requested one.</param>
/// <param name="Template">Validity and key usages from the profile.</param>
public sealed record IssueRequest(
    X500DistinguishedName Subject,
    PublicKey PublicKey,
    X509Extension? SubjectAlternativeName,
    CertificateTemplate Template);

/// <summary>The profile's part of an issued certificate.</summary>
/// <param name="Validity">How long the certificate is valid from issuance.</param>
/// <param name="KeyUsage">The keyUsage extension (critical).</param>
/// <param name="ExtendedKeyUsages">Extended key usage OIDs; empty means no extendedKeyUsage extension.</param>
public sealed record CertificateTemplate(
    TimeSpan Validity,
    X509KeyUsageFlags KeyUsage,
    IReadOnlyList<string> ExtendedKeyUsages);
