using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Names;

public sealed class PublicKeysTests
{
    [Fact]
    public void Reencode_EcKeyOnACurveThePlatformLacks_ThrowsBadAlg()
    {
        // prime256v1 with its last arc changed to 39: OpenSSL has no such curve and reports PlatformNotSupportedException.
        byte[] p256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] encoded = new CertificateRequest("CN=device", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        int at = encoded.AsSpan().IndexOf(p256);
        encoded[at + p256.Length - 1] = 0x27;
        CertificationRequest csr = CertificationRequest.Parse(encoded);

        ScepFailureException failure = Assert.Throws<ScepFailureException>(() => PublicKeys.Reencode(csr));

        Assert.Equal(FailInfo.BadAlg, failure.FailInfo);
    }

    [Fact]
    public void Reencode_RsaKey_WrittenByTheBrokerEqualsTheCanonicalEncoding()
    {
        using RSA key = RSA.Create(2048);
        var csr = CertBroker.Scep.CertificationRequest.Parse(
            new CertificateRequest("CN=p", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest());

        byte[] reencoded = PublicKeys.Reencode(csr).ExportSubjectPublicKeyInfo();

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), reencoded);
    }
}
