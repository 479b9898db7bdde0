using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Issuers.Embedded;

/// <summary>Pieces shared by the issuer and the dev material generator.</summary>
internal static class CertificateBuilding
{
    /// <summary>Serial numbers are 16 random bytes: 127 bits of CSPRNG output, well above the 64 bits CA/B BR §7.1 asks.</summary>
    public const int SerialLength = 16;

    /// <summary>
    /// A positive serial whose DER INTEGER content is always exactly <see cref="SerialLength"/> bytes: the top bit is
    /// cleared (positive without a sign byte) and a zero first byte is redrawn (no leading zero, never zero).
    /// </summary>
    public static byte[] NewSerialNumber()
    {
        var serial = new byte[SerialLength];
        do
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
        }
        while (serial[0] == 0);

        return serial;
    }

    /// <summary>
    /// The authorityKeyIdentifier for certificates signed by <paramref name="issuer"/>: its subjectKeyIdentifier, or for
    /// a CA without one, the RFC 5280 §4.2.1.2 method-1 hash of its public key (what clients compute to match).
    /// </summary>
    public static X509AuthorityKeyIdentifierExtension AuthorityKeyIdentifierFor(X509Certificate2 issuer)
    {
        var subjectKeyIdentifier = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(issuer.PublicKey, critical: false);
        return X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier);
    }

    /// <summary>Lower-case hex SHA-256 of the DER certificate, the fingerprint the broker logs and stores.</summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>The certificate's notAfter as an instant (X509Certificate2 reports local time).</summary>
    public static DateTimeOffset NotAfterUtc(X509Certificate2 certificate) =>
        new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotBeforeUtc(X509Certificate2 certificate) =>
        new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
}
