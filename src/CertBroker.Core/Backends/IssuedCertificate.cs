using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;

namespace CertBroker.Core.Backends;

/// <summary>
/// A certificate an issuer signed, with the facts it already knows, so the enrolment path never has to parse the
/// certificate it just made (a full X509Certificate2 load costs as much as several RSA public-key operations).
/// </summary>
/// <param name="Der">The certificate, DER.</param>
/// <param name="Serial">Serial as lower-case hex of its unsigned value, as the store keys it.</param>
/// <param name="Issuer">Issuer name in .NET's RFC 4514-style form (as <see cref="X509Certificate2.Issuer"/>).</param>
/// <param name="NotBefore">Start of validity, UTC, whole seconds.</param>
/// <param name="NotAfter">End of validity, UTC, whole seconds.</param>
/// <param name="SignatureAlgorithm">Signature algorithm name, e.g. "sha256RSA".</param>
public sealed record IssuedCertificate(
    byte[] Der,
    string Serial,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string SignatureAlgorithm)
{
    /// <summary>Loads the certificate for callers that need the full object (tests, tools); not for the hot path.</summary>
    public X509Certificate2 ToCertificate() => X509CertificateLoader.LoadCertificate(Der);

    /// <summary>The record of this certificate, from what the issuer and the request already know.</summary>
    public CertificateRecord ToRecord(IssueRequest request, string profile, string? transactionId, DateTimeOffset issuedAt)
    {
        (string algorithm, int size) = CertificateRecords.KeyOf(request.PublicKey);
        return new CertificateRecord
        {
            Serial = Serial,
            Profile = profile,
            Issuer = Issuer,
            Subject = request.Subject.Name,
            SubjectAlternativeNames = CertificateRecords.SubjectAlternativeNames(request.SubjectAlternativeName),
            NotBefore = NotBefore,
            NotAfter = NotAfter,
            KeyAlgorithm = algorithm,
            KeySize = size,
            SignatureAlgorithm = SignatureAlgorithm,
            ThumbprintSha256 = Convert.ToHexStringLower(SHA256.HashData(Der)),
            PublicKeySha256 = Convert.ToHexStringLower(SHA256.HashData(request.PublicKey.ExportSubjectPublicKeyInfo())),
            Der = Der,
            TransactionId = transactionId,
            IssuedAt = issuedAt,
        };
    }
}
