using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Issuers.Ndes;

/// <summary>One checked CertRep from the upstream, and the algorithms the request used.</summary>
/// <param name="Status">pkiStatus.</param>
/// <param name="FailInfo">failInfo of a FAILURE.</param>
/// <param name="Certificates">Certificates of a SUCCESS.</param>
/// <param name="Cipher">Content-encryption algorithm of the request.</param>
/// <param name="Digest">Digest of the request's signature.</param>
public sealed record UpstreamCertRep(PkiStatus Status, FailInfo? FailInfo, IReadOnlyList<X509Certificate2> Certificates, string Cipher, string Digest)
{
    /// <summary>The issued certificate: the one holding <paramref name="subjectPublicKeyInfo"/>.</summary>
    public X509Certificate2? IssuedFor(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        foreach (X509Certificate2 certificate in Certificates)
        {
            if (certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(subjectPublicKeyInfo))
            {
                return certificate;
            }
        }

        return null;
    }
}
