using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Profiles;

namespace CertBroker.Core.Backends;

/// <summary>What the broker asks an issuer to sign: the names and key it checked and wrote itself, and what the profile adds.</summary>
/// <param name="Subject">The subject the name policy allows, encoded by the broker (<c>NameWriter</c>).</param>
/// <param name="PublicKey">The CSR's public key, imported and exported again (<c>PublicKeys</c>).</param>
/// <param name="SubjectAlternativeName">The subjectAltName the name policy allows, encoded by the broker, or null.</param>
/// <param name="Template">Validity and key usages from the profile.</param>
public sealed record IssueRequest(
    X500DistinguishedName Subject,
    PublicKey PublicKey,
    X509Extension? SubjectAlternativeName,
    CertificateTemplate Template);
