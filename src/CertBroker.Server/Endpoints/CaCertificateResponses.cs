using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Issuing;
using CertBroker.Scep.Cms;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// GetCACert and GetNextCACert bodies (RFC 8894 §4.2, §4.3), built once at start-up: they only change with the key
/// material, which needs a restart anyway.
/// </summary>
internal sealed class CaCertificateResponses
{
    public const string CaRaContentType = "application/x-x509-ca-ra-cert";
    public const string NextCaContentType = "application/x-x509-next-ca-cert";

    public CaCertificateResponses(IRegistrationAuthority ra, ICertificateIssuer issuer, INextCaSource nextCa, TimeProvider time)
    {
        // RA certificates first (signing, then encryption), then the CA chain: the order NDES uses.
        var certificates = new List<ReadOnlyMemory<byte>> { ra.SigningCertificate.RawData };
        if (!ra.EncryptionCertificate.RawData.AsSpan().SequenceEqual(ra.SigningCertificate.RawData))
        {
            certificates.Add(ra.EncryptionCertificate.RawData);
        }

        certificates.AddRange(issuer.CaChain.Select(c => (ReadOnlyMemory<byte>)c.RawData));
        CaCertificates = SignedDataWriter.WriteDegenerate(certificates);

        if (nextCa.NextCaCertificate is X509Certificate2 next)
        {
            byte[] degenerate = SignedDataWriter.WriteDegenerate([next.RawData]);
            var signer = new CmsSigner(ra.SigningCertificate, ra.SigningKey, HashAlgorithmName.SHA256);
            NextCaCertificates = SignedDataWriter.WriteSigned(degenerate, signer, [], time.GetUtcNow());
        }
    }

    /// <summary>Degenerate SignedData with the RA and CA certificates.</summary>
    public byte[] CaCertificates { get; }

    /// <summary>SignedData over the successor CA certificate, or null when none is configured.</summary>
    public byte[]? NextCaCertificates { get; }

    public bool HasNextCa => NextCaCertificates is not null;
}
