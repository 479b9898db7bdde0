using System.Formats.Asn1;
using System.Security.Cryptography;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>
/// Signed messages whose envelope or CSR is built to trip the decoder. Each must still get a signed CertRep FAILURE:
/// an exception here becomes an HTTP 500, which leaves clients guessing (INTEROP.md).
/// </summary>
public sealed class HostileEnvelopeTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_DesWeakContentKey_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] envelope = new HandMadeEnvelope
        {
            Recipient = scep.Ra.EncryptionCertificate,
            ContentKey = [0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01],
            CipherOid = Oids.DesCbc,
            CipherParameters = HandMadeEnvelope.OctetString(RandomNumberGenerator.GetBytes(8)),
        }.Encode();
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_Des3WeakContentKey_FailsWithBadMessageCheck()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] envelope = new HandMadeEnvelope
        {
            Recipient = scep.Ra.EncryptionCertificate,
            ContentKey = Enumerable.Repeat((byte)0x01, 24).ToArray(),
            CipherOid = Oids.DesEde3Cbc,
            CipherParameters = HandMadeEnvelope.OctetString(RandomNumberGenerator.GetBytes(8)),
        }.Encode();
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(int.MaxValue)]
    public async Task PkcsReq_Rc2EffectiveKeyBitsOutOfRange_FailsWithBadAlg(int version)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var parameters = new AsnWriter(AsnEncodingRules.DER);
        using (parameters.PushSequence())
        {
            parameters.WriteInteger(version);
            parameters.WriteOctetString(RandomNumberGenerator.GetBytes(8));
        }

        byte[] envelope = new HandMadeEnvelope
        {
            Recipient = scep.Ra.EncryptionCertificate,
            ContentKey = RandomNumberGenerator.GetBytes(16),
            CipherOid = Oids.Rc2Cbc,
            CipherParameters = parameters.Encode(),
        }.Encode();
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(200)]
    public async Task PkcsReq_Rc2ContentKeyLongerThan128Bytes_FailsWithBadMessageCheck(int keyLength)
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var parameters = new AsnWriter(AsnEncodingRules.DER);
        using (parameters.PushSequence())
        {
            parameters.WriteOctetString(RandomNumberGenerator.GetBytes(8)); // no version: effective bits follow the key
        }

        byte[] envelope = new HandMadeEnvelope
        {
            Recipient = scep.Ra.EncryptionCertificate,
            ContentKey = RandomNumberGenerator.GetBytes(keyLength),
            CipherOid = Oids.Rc2Cbc,
            CipherParameters = parameters.Encode(),
        }.Encode();
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_OaepKeyTransportWithMalformedParameters_FailsWithBadAlg()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var parameters = new AsnWriter(AsnEncodingRules.DER);
        using (parameters.PushSequence())
        using (parameters.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            parameters.WriteInteger(5); // where the hashAlgorithm AlgorithmIdentifier belongs
        }

        byte[] envelope = new HandMadeEnvelope
        {
            Recipient = scep.Ra.EncryptionCertificate,
            ContentKey = RandomNumberGenerator.GetBytes(16),
            CipherOid = Oids.Aes128Cbc,
            CipherParameters = HandMadeEnvelope.OctetString(RandomNumberGenerator.GetBytes(16)),
            KeyEncryptionOid = Oids.RsaesOaep,
            KeyEncryptionParameters = parameters.Encode(),
        }.Encode();
        ClientMessage request = scep.Client.SignEnvelope(MessageType.PkcsReq, envelope, device, device.TransactionId);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_CsrPssSignatureWithMalformedParameters_FailsWithBadAlg()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] csr = WithSignatureAlgorithm(device.Csr("CN=laptop-12", ScepHarness.Challenge), Oids.RsassaPss, [0x30, 0x03, 0xA0, 0x01, 0x05]);
        ClientMessage request = scep.Client.PkcsReq(device, csr);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);
    }

    /// <summary>The CSR with its signatureAlgorithm replaced; the signature no longer matches, which is the point.</summary>
    private static byte[] WithSignatureAlgorithm(byte[] csr, string oid, byte[] parameters)
    {
        AsnReader request = new AsnReader(csr, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> info = request.ReadEncodedValue();
        request.ReadSequence();
        byte[] signature = request.ReadBitString(out _);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info.Span);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
                writer.WriteEncodedValue(parameters);
            }

            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }
}
