using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Support;

/// <summary>
/// A SCEP client's identity: its key and the throwaway self-signed certificate it signs its first request with
/// (micromdm calls it "SCEP SIGNER"; its subject need not match the CSR's).
/// </summary>
internal sealed class Device : IDisposable
{
    public Device(int keySlot, string signerSubject = "CN=SCEP SIGNER")
        : this(ClientKeys.Get(keySlot), signerSubject)
    {
    }

    /// <summary>A device with a key of the test's making (a short or otherwise weak one).</summary>
    public Device(RSA key, string signerSubject = "CN=SCEP SIGNER")
    {
        Key = key;
        var request = new CertificateRequest(signerSubject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        SelfSigned = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }

    public RSA Key { get; }

    public X509Certificate2 SelfSigned { get; }

    /// <summary>The transactionID RFC 8894 §3.2.1.1 suggests and micromdm sends: a hash of the public key.</summary>
    public string TransactionId => PkiRequest.TransactionIdFor(Key.ExportSubjectPublicKeyInfo());

    /// <summary>A PKCS#10 request for this device's key, with a challengePassword when one is given.</summary>
    public byte[] Csr(string subject, string? challenge = null, X509Extension? subjectAlternativeName = null, AsnEncodedData? extraAttribute = null) =>
        Csr(new X500DistinguishedName(subject), challenge, subjectAlternativeName, extraAttribute);

    /// <summary>A PKCS#10 request with a subject encoded by the test (string types, malformed values).</summary>
    public byte[] Csr(X500DistinguishedName subject, string? challenge = null, X509Extension? subjectAlternativeName = null, AsnEncodedData? extraAttribute = null)
    {
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (extraAttribute is not null)
        {
            request.OtherRequestAttributes.Add(extraAttribute);
        }

        if (subjectAlternativeName is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeName);
        }

        if (challenge is not null)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteCharacterString(UniversalTagNumber.PrintableString, challenge);
            request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, writer.Encode()));
        }

        return request.CreateSigningRequest();
    }

    public void Dispose() => SelfSigned.Dispose();
}
