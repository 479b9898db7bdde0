using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Tests;

/// <summary>
/// Messages that cannot be processed: a signed FAILURE once the message parses, a bodiless Malformed result before.
/// </summary>
public sealed class MessageCheckTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task HandleAsync_SignatureTampered_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        byte[] tampered = (byte[])request.Encoded.Clone();
        tampered[^1] ^= 0x01; // the SignerInfo signature is the last field of the message

        ScepResult result = await scep.SendAsync(tampered);

        ReplyAssert.Failure(request, result, FailInfo.BadMessageCheck, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task HandleAsync_EncryptedContentTampered_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        byte[] tampered = (byte[])request.Encoded.Clone();
        byte[] envelope = PkiMessage.Read(request.Encoded).MessageData!;
        int start = IndexOf(tampered, envelope);
        tampered[start + envelope.Length - 1] ^= 0x01; // the encrypted content ends the envelope; messageDigest covers it

        ScepResult result = await scep.SendAsync(tampered);

        ReplyAssert.Failure(request, result, FailInfo.BadMessageCheck, scep.Ra);
    }

    [Fact]
    public async Task HandleAsync_EnvelopeForAnotherRecipient_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        using var stranger = new Device(1, "CN=Someone Else's RA");
        ClientMessage request = scep.Client.Write(
            MessageType.PkcsReq, device.Csr("CN=laptop-12", ScepHarness.Challenge), device.SelfSigned, device.Key, device.TransactionId,
            recipients: stranger.SelfSigned);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
    }

    [Fact]
    public async Task HandleAsync_UnsupportedContentCipher_FailsWithBadAlg()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] envelope = EnvelopedDataWriter.Write(
            device.Csr("CN=laptop-12", ScepHarness.Challenge), ContentEncryptionAlgorithm.Aes128Cbc, [scep.Ra.EncryptionCertificate]);
        // aes128-CBC (2.16.840.1.101.3.4.1.2) becomes aes128-GCM (…1.6), which CMS EnvelopedData does not carry.
        int oid = IndexOf(envelope, [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02]);
        envelope[oid + 10] = 0x06;
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);
    }

    [Fact]
    public async Task HandleAsync_SigningTimeOutsideProfileTolerance_FailsWithBadTime()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.SigningTimeToleranceMinutes = 5);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        scep.Time.Advance(TimeSpan.FromMinutes(10));

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadTime, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task HandleAsync_SigningTimeWithinProfileTolerance_Succeeds()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.SigningTimeToleranceMinutes = 5);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        scep.Time.Advance(TimeSpan.FromMinutes(4));

        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
    }

    [Fact]
    public async Task HandleAsync_UnknownMessageType_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.Write(
            (MessageType)99, device.Csr("CN=laptop-12", ScepHarness.Challenge), device.SelfSigned, device.Key, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_CsrSignatureDoesNotVerify_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] csr = device.Csr("CN=laptop-12", ScepHarness.Challenge);
        csr[^1] ^= 0x01; // the CSR's signature is its last field

        ClientMessage request = scep.Client.PkcsReq(device, csr);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_ContentIsNotACsr_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, "not a certification request"u8.ToArray());

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("MIIB")]
    public async Task HandleAsync_Garbage_IsMalformedWithoutBody(string text)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);

        ScepResult result = await scep.SendAsync(System.Text.Encoding.ASCII.GetBytes(text));

        Assert.Null(result.Body);
        Assert.Null(result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    [Fact]
    public async Task HandleAsync_RandomBytesInDerSequence_IsMalformedWithoutBody()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        byte[] message = [0x30, 0x82, 0x01, 0x00, .. RandomNumberGenerator.GetBytes(256)];

        ScepResult result = await scep.SendAsync(message);

        Assert.Null(result.Body);
    }

    [Fact]
    public async Task HandleAsync_TruncatedMessage_IsMalformedWithoutBody()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        ScepResult result = await scep.SendAsync(request.Encoded[..(request.Encoded.Length / 2)]);

        Assert.Null(result.Body);
    }

    public static TheoryData<string> FailureCases() => ["wrong challenge", "tampered signature", "unknown recipient", "unknown message type", "bad CSR signature", "unknown CertPoll"];

    [Theory]
    [MemberData(nameof(FailureCases))]
    public async Task HandleAsync_AnyFailure_IsSignedByRaAndEchoesTransactionIdAndNonce(string failure)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        using var stranger = new Device(1, "CN=Someone Else's RA");
        byte[] csr = device.Csr("CN=laptop-12", ScepHarness.Challenge);
        byte[] badCsr = (byte[])csr.Clone();
        badCsr[^1] ^= 0x01;
        ClientMessage request = failure switch
        {
            "wrong challenge" => scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "wrong")),
            "unknown recipient" => scep.Client.Write(MessageType.PkcsReq, csr, device.SelfSigned, device.Key, "tid-1", recipients: stranger.SelfSigned),
            "unknown message type" => scep.Client.Write((MessageType)42, csr, device.SelfSigned, device.Key, "tid-2"),
            "bad CSR signature" => scep.Client.PkcsReq(device, badCsr),
            "unknown CertPoll" => scep.Client.CertPoll(device, "tid-3", scep.CaCertificate.SubjectName, new X500DistinguishedName("CN=laptop-12")),
            _ => scep.Client.PkcsReq(device, csr),
        };
        byte[] sent = request.Encoded;
        if (failure == "tampered signature")
        {
            sent = (byte[])sent.Clone();
            sent[^1] ^= 0x01;
        }

        ScepResult result = await scep.SendAsync(sent);

        Assert.NotNull(result.Body);
        PkiMessage reply = PkiMessage.Read(result.Body);
        Assert.Equal(PkiStatus.Failure, reply.Status);
        Assert.True(reply.SignatureValid);
        Assert.Equal(scep.Ra.SigningCertificate.RawData, reply.Signer.RawData);
        Assert.Equal(request.TransactionId, reply.TransactionId);
        Assert.Equal(request.SenderNonce, reply.RecipientNonce);
        Assert.NotEqual(request.SenderNonce, reply.SenderNonce);
        Assert.Null(reply.MessageData);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        int index = haystack.AsSpan().IndexOf(needle);
        Assert.True(index >= 0, "pattern not found in the encoding");
        return index;
    }
}
