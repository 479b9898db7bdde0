using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Tests.Support;

/// <summary>
/// An EnvelopedData (RFC 5652 §6.1) written field by field, for envelopes no well-behaved client library produces:
/// chosen content keys, odd cipher parameters, odd key-transport parameters.
/// </summary>
internal sealed record HandMadeEnvelope
{
    public required X509Certificate2 Recipient { get; init; }

    /// <summary>The content-encryption key as the recipient will decrypt it.</summary>
    public required byte[] ContentKey { get; init; }

    public required string CipherOid { get; init; }

    /// <summary>Encoded AlgorithmIdentifier parameters of the content cipher, e.g. an OCTET STRING IV.</summary>
    public required byte[] CipherParameters { get; init; }

    /// <summary>The encryptedContent octets; nothing checks that they decrypt.</summary>
    public byte[] Ciphertext { get; init; } = RandomNumberGenerator.GetBytes(32);

    public string KeyEncryptionOid { get; init; } = Oids.RsaEncryption;

    /// <summary>Encoded parameters of the key-encryption algorithm; null writes NULL.</summary>
    public byte[]? KeyEncryptionParameters { get; init; }

    public byte[] Encode()
    {
        using RSA key = Recipient.GetRSAPublicKey()!;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.EnvelopedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    IssuerAndSerial.Of(Recipient).Write(writer);
                    WriteAlgorithm(writer, KeyEncryptionOid, KeyEncryptionParameters);
                    writer.WriteOctetString(key.Encrypt(ContentKey, RSAEncryptionPadding.Pkcs1));
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.Data);
                    WriteAlgorithm(writer, CipherOid, CipherParameters);
                    writer.WriteOctetString(Ciphertext, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }

        return writer.Encode();
    }

    public static byte[] OctetString(byte[] value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return writer.Encode();
    }

    private static void WriteAlgorithm(AsnWriter writer, string oid, byte[]? parameters)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (parameters is null)
            {
                writer.WriteNull();
            }
            else
            {
                writer.WriteEncodedValue(parameters);
            }
        }
    }
}
