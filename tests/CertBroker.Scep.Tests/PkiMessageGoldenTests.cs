using CertBroker.Scep.Cms;

namespace CertBroker.Scep.Tests;

public sealed class PkiMessageGoldenTests
{
    [Fact]
    public void Read_MicromdmPkcsReq_ReturnsVerifiedPkcsReq()
    {
        PkiMessage message = PkiMessage.Read(GoldenMessages.Read("PKCSReq.der"));

        Assert.Equal(MessageType.PkcsReq, message.MessageType);
        Assert.True(message.SignatureValid);
        Assert.False(string.IsNullOrEmpty(message.TransactionId));
        Assert.NotEmpty(message.SenderNonce);
        Assert.Equal("SHA1", message.Signature.Digest.Name);
        Assert.Equal("RSA-PKCS1", message.Signature.Scheme);
        Assert.Contains("MDM SCEP SIGNER", message.Signer.Subject);
    }

    [Fact]
    public void DecryptMessageData_MicromdmPkcsReqWithCaKey_YieldsSignedCsr()
    {
        PkiMessage message = PkiMessage.Read(GoldenMessages.Read("PKCSReq.der"));
        using var ca = GoldenMessages.CaCertificate();
        using var key = GoldenMessages.CaKey();

        DecryptedContent content = message.DecryptMessageData([(ca, key)]);
        CertificationRequest csr = CertificationRequest.Parse(content.Content);

        Assert.Equal(ContentEncryptionAlgorithm.DesEde3Cbc, content.Algorithm);
        Assert.True(csr.VerifySignature());
        Assert.False(string.IsNullOrEmpty(csr.Subject.Name));
    }

    [Fact]
    public void Read_MicromdmCertRep_ReturnsSuccessWithRecipientNonce()
    {
        PkiMessage message = PkiMessage.Read(GoldenMessages.Read("CertRep.der"));

        Assert.Equal(MessageType.CertRep, message.MessageType);
        Assert.Equal(PkiStatus.Success, message.Status);
        Assert.True(message.SignatureValid);
        Assert.NotNull(message.RecipientNonce);
        Assert.NotNull(message.MessageData);
    }

    [Fact]
    public void Read_CertRepWithoutSignerCertificate_FailsUnlessSignerIsKnown()
    {
        byte[] encoded = GoldenMessages.Read("testca2/CertRep_NoCertificatesForSigners.der");
        Assert.Throws<ScepFormatException>(() => PkiMessage.Read(encoded));

        var known = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        known.ImportFromPemFile(System.IO.Path.Combine(GoldenMessages.Directory, "testca2/ca2.pem"));
        PkiMessage message = PkiMessage.Read(encoded, known);

        Assert.Equal(MessageType.CertRep, message.MessageType);
        Assert.True(message.SignatureValid);
    }
}
