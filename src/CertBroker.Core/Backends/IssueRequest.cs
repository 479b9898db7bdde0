using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Profiles;

namespace CertBroker.Core.Backends;

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
