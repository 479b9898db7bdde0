using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep.Tests;

/// <summary>Whatever a client sends, decoding ends in one of the two documented outcomes, never another exception.</summary>
public sealed class MalformedInputTests
{
    [Fact]
    public void Read_EveryTruncationOfAGoldenRequest_ThrowsOnlyFormatException()
    {
        byte[] full = GoldenMessages.Read("PKCSReq.der");
        for (int length = 0; length < full.Length; length += 7)
        {
            Assert.Throws<ScepFormatException>(() => PkiMessage.Read(full.AsMemory(0, length)));
        }
    }

    [Fact]
    public void ReadAndDecrypt_RandomByteCorruptions_EndInDocumentedOutcomes()
    {
        byte[] original = GoldenMessages.Read("PKCSReq.der");
        using var ca = GoldenMessages.CaCertificate();
        using var key = GoldenMessages.CaKey();
        var random = new Random(8894);
        int refused = 0;
        for (int i = 0; i < 400; i++)
        {
            byte[] corrupted = (byte[])original.Clone();
            int position = random.Next(corrupted.Length);
            corrupted[position] = (byte)random.Next(256);
            try
            {
                PkiMessage message = PkiMessage.Read(corrupted);
                if (message.SignatureValid)
                {
                    CertificationRequest.Parse(message.DecryptMessageData([(ca, key)]).Content);
                }
                else
                {
                    refused++;
                }
            }
            catch (ScepFormatException)
            {
                refused++;
            }
            catch (ScepFailureException)
            {
                refused++;
            }
        }

        // Almost every corruption must be detected; the rest changed a byte to its own value or an unsigned field.
        Assert.True(refused > 300, $"only {refused} of 400 corruptions were refused");
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("3000")]
    [InlineData("308000")]
    [InlineData("3003060100")]
    [InlineData("300b06092a864886f70d010702")]
    [InlineData("3080060a2a864886f70d010702a080308002010131003080")]
    public void Read_GarbageInput_ThrowsFormatException(string hex)
    {
        Assert.Throws<ScepFormatException>(() => PkiMessage.Read(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Read_MessageWithoutTransactionId_ThrowsFormatException()
    {
        using var client = new TestIdentity("CN=SCEP SIGNER");
        byte[] message = SignedDataWriter.WriteSigned([1, 2, 3], client.Signer(),
            [(Oids.ScepMessageType, CertRep.PrintableNumber(19))], DateTimeOffset.UtcNow);

        Assert.Throws<ScepFormatException>(() => PkiMessage.Read(message));
    }

    [Fact]
    public void Read_UnknownMessageType_IsParsedSoItCanBeRefusedWithASignedFailure()
    {
        using var client = new TestIdentity("CN=SCEP SIGNER");
        using var ra = new TestIdentity("CN=RA");
        byte[] message = PkiRequest.Write((MessageType)99, "tid", RandomNumberGenerator.GetBytes(16), [1, 2],
            [ra.Certificate], ContentEncryptionAlgorithm.Aes128Cbc, client.Signer(), DateTimeOffset.UtcNow);

        PkiMessage parsed = PkiMessage.Read(message);

        Assert.False(Enum.IsDefined(parsed.MessageType));
        Assert.True(parsed.SignatureValid);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Read_TransactionIdLength_BoundedAt256Characters(int length, bool read)
    {
        // Stored with every transaction and named in the audit trail: a request cannot make either grow at will.
        using var client = new TestIdentity("CN=SCEP SIGNER");
        using var ra = new TestIdentity("CN=RA");
        byte[] message = PkiRequest.Write(MessageType.PkcsReq, new string('7', length), RandomNumberGenerator.GetBytes(16), [1, 2],
            [ra.Certificate], ContentEncryptionAlgorithm.Aes128Cbc, client.Signer(), DateTimeOffset.UtcNow);

        if (read)
        {
            Assert.Equal(length, PkiMessage.Read(message).TransactionId.Length);
        }
        else
        {
            Assert.Throws<ScepFormatException>(() => PkiMessage.Read(message));
        }
    }

    [Theory]
    [InlineData("abc\u0000def")]
    [InlineData("abc\ndef")]
    [InlineData("abc\u007fdef")]
    public void Read_TransactionIdWithControlCharacter_ThrowsFormatException(string transactionId)
    {
        // A key into the store: PostgreSQL's text refuses a NUL, and no client sends control characters.
        using var client = new TestIdentity("CN=SCEP SIGNER");
        using var ra = new TestIdentity("CN=RA");
        // As UTF8String, which the reader accepts leniently and which can carry any character.
        var value = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        value.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, transactionId);
        byte[] envelope = CertBroker.Scep.Cms.EnvelopedDataWriter.Write([1, 2], ContentEncryptionAlgorithm.Aes128Cbc, [ra.Certificate]);
        byte[] message = CertBroker.Scep.Cms.SignedDataWriter.WriteSigned(envelope, client.Signer(),
        [
            (Oids.ScepTransactionId, value.Encode()),
            (Oids.ScepMessageType, CertRep.PrintableNumber((int)MessageType.PkcsReq)),
            (Oids.ScepSenderNonce, CertRep.OctetString(RandomNumberGenerator.GetBytes(16))),
        ], DateTimeOffset.UtcNow);

        Assert.Throws<ScepFormatException>(() => PkiMessage.Read(message));
    }

    [Fact]
    public void Parse_GarbageCsr_ThrowsBadRequest()
    {
        var ex = Assert.Throws<ScepFailureException>(() => CertificationRequest.Parse([0x30, 0x03, 0x02, 0x01, 0x00]));
        Assert.Equal(FailInfo.BadRequest, ex.FailInfo);
    }

    [Fact]
    public void Parse_ChallengeWithCharactersPrintableStringForbids_IsReadAsSent()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=certmonger", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        // certmonger tags any challenge PrintableString, even with '_', '@' or '!' inside.
        byte[] value = [0x13, 0x08, .. "p@ss_w!d"u8];
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, value));

        CertificationRequest parsed = CertificationRequest.Parse(request.CreateSigningRequest());

        Assert.Equal("p@ss_w!d", parsed.ChallengePassword);
        Assert.True(parsed.VerifySignature());
    }
}
