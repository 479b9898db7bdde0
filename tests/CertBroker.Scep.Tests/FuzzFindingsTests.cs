using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep.Tests;

/// <summary>Regressions for what fuzzing found; the inputs are under tests/CertBroker.Fuzz/regressions.</summary>
public sealed class FuzzFindingsTests
{
    // prime256v1 (1.2.840.10045.3.1.7) with its last arc changed to 39, a curve OpenSSL does not have.
    private static readonly byte[] P256Oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    private static readonly byte[] UnknownCurveOid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x27];

    [Fact]
    public void VerifySignature_EcKeyOnACurveThePlatformLacks_ReturnsFalse()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] encoded = Patch(new CertificateRequest("CN=device", key, HashAlgorithmName.SHA256).CreateSigningRequest());

        CertificationRequest csr = CertificationRequest.Parse(encoded);

        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void Read_SignerKeyOnACurveThePlatformLacks_ReadsWithSignatureInvalid()
    {
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 ecCertificate = new CertificateRequest("CN=SCEP SIGNER", ecKey, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        using X509Certificate2 patched = X509CertificateLoader.LoadCertificate(Patch(ecCertificate.RawData));
        using var identity = new TestIdentity("CN=unused");
        byte[] encoded = SignedDataWriter.WriteSigned([1, 2, 3], new CmsSigner(patched, identity.Key, HashAlgorithmName.SHA256),
            [(Oids.ScepTransactionId, CertRep.PrintableNumber(1)), (Oids.ScepMessageType, CertRep.PrintableNumber(19))], now);

        using PkiMessage message = PkiMessage.Read(encoded);

        Assert.False(message.SignatureValid);
    }

    [Fact]
    public void Signer_CertificateThePlatformLoaderRefuses_ThrowsFailure()
    {
        using PkiMessage message = PkiMessage.Read(File.ReadAllBytes(FuzzFiles.Regression("message", "signer-certificate-loader-refuses")));

        ScepFailureException failure = Assert.Throws<ScepFailureException>(() => message.Signer);

        Assert.Equal(FailInfo.BadMessageCheck, failure.FailInfo);
    }

    [Fact]
    public void Signer_CertificateWhoseValidityDoesNotDecode_ThrowsFailure()
    {
        using PkiMessage message = PkiMessage.Read(File.ReadAllBytes(FuzzFiles.Regression("message", "signer-validity-does-not-decode")));

        Assert.Throws<ScepFailureException>(() => message.Signer);
    }

    [Fact]
    public void Read_AttributeWithANonStringTag_ThrowsFormatException()
    {
        byte[] encoded = File.ReadAllBytes(FuzzFiles.Regression("message", "non-string-attribute-tag"));

        Assert.Throws<ScepFormatException>(() => PkiMessage.Read(encoded));
    }

    [Fact]
    public void Parse_ChallengePasswordWithANonStringTag_ThrowsBadRequest()
    {
        byte[] encoded = File.ReadAllBytes(FuzzFiles.Regression("csr", "challenge-password-non-string-tag"));

        ScepFailureException failure = Assert.Throws<ScepFailureException>(() => CertificationRequest.Parse(encoded));

        Assert.Equal(FailInfo.BadRequest, failure.FailInfo);
    }

    [Fact]
    public void ReadLenientString_ConstructedBerPrintableString_JoinsTheSegments()
    {
        byte[] encoded = [0x33, 0x80, 0x04, 0x02, (byte)'a', (byte)'b', 0x04, 0x01, (byte)'c', 0x00, 0x00];

        Assert.Equal("abc", Asn.ReadLenientString(new System.Formats.Asn1.AsnReader(encoded, System.Formats.Asn1.AsnEncodingRules.BER)));
    }

    [Fact]
    public void ReadLenientString_Integer_ThrowsContentException()
    {
        byte[] encoded = [0x02, 0x01, 0x13];

        Assert.Throws<System.Formats.Asn1.AsnContentException>(() => Asn.ReadLenientString(new System.Formats.Asn1.AsnReader(encoded, System.Formats.Asn1.AsnEncodingRules.BER)));
    }

    private static byte[] Patch(byte[] encoded)
    {
        int at = encoded.AsSpan().IndexOf(P256Oid);
        Assert.True(at >= 0);
        byte[] patched = (byte[])encoded.Clone();
        UnknownCurveOid.CopyTo(patched, at);
        return patched;
    }
}
