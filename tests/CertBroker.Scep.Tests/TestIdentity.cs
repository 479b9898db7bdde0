using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep.Tests;

/// <summary>A self-signed RSA identity, as a SCEP client makes for its first request.</summary>
internal sealed class TestIdentity : IDisposable
{
    private static readonly Dictionary<int, RSA> KeysBySize = [];

    public TestIdentity(string subject, int keySize = 2048, X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment)
    {
        Key = SharedKey(keySize);
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    public RSA Key { get; }

    public X509Certificate2 Certificate { get; }

    public CmsSigner Signer(HashAlgorithmName? digest = null) => new(Certificate, Key, digest ?? HashAlgorithmName.SHA256);

    public byte[] CreateCsr(string subject, string? challenge, HashAlgorithmName? digest = null)
    {
        var request = new CertificateRequest(subject, Key, digest ?? HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("device.example.test");
        request.CertificateExtensions.Add(san.Build());
        if (challenge is not null)
        {
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, challenge);
            request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, writer.Encode()));
        }

        return request.CreateSigningRequest();
    }

    // Key generation is slow and not what these tests are about: one key per size is shared.
    private static RSA SharedKey(int keySize)
    {
        lock (KeysBySize)
        {
            if (!KeysBySize.TryGetValue(keySize, out RSA? key))
            {
                key = RSA.Create(keySize);
                KeysBySize[keySize] = key;
            }

            return key;
        }
    }

    public void Dispose() => Certificate.Dispose();
}
