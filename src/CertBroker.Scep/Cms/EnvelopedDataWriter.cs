using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>Writes ContentInfo-wrapped EnvelopedData (RFC 5652 §6) with RSA key transport.</summary>
public static class EnvelopedDataWriter
{
    /// <summary>Encrypts <paramref name="content"/> for each recipient certificate (RSA PKCS#1 v1.5 key transport).</summary>
    /// <exception cref="ScepFailureException">badAlg when a recipient's key is not RSA.</exception>
    public static byte[] Write(ReadOnlySpan<byte> content, ContentEncryptionAlgorithm algorithm, IEnumerable<X509Certificate2> recipients)
    {
        var keys = new List<(IssuerAndSerial, RSA)>();
        try
        {
            foreach (X509Certificate2 recipient in recipients)
            {
                keys.Add((IssuerAndSerial.Of(recipient), recipient.GetRSAPublicKey()
                    ?? throw new ScepFailureException(FailInfo.BadAlg, "Recipient certificate does not hold an RSA key.")));
            }

            return Write(content, algorithm, keys);
        }
        finally
        {
            keys.ForEach(k => k.Item2.Dispose());
        }
    }

    /// <summary>Encrypts <paramref name="content"/> for recipients whose RSA public keys are already imported.</summary>
    public static byte[] Write(ReadOnlySpan<byte> content, ContentEncryptionAlgorithm algorithm, IEnumerable<(IssuerAndSerial Recipient, RSA Key)> recipients)
    {
        (byte[] key, byte[] parameters, byte[] ciphertext) = algorithm.Encrypt(content);
        try
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSetOf())
                {
                    foreach ((IssuerAndSerial recipient, RSA rsa) in recipients)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteInteger(0);
                            recipient.Write(writer);
                            Asn.WriteAlgorithmIdentifier(writer, Oids.RsaEncryption);
                            writer.WriteOctetString(rsa.Encrypt(key, RSAEncryptionPadding.Pkcs1));
                        }
                    }
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.Data);
                    Asn.WriteAlgorithmIdentifier(writer, algorithm.Oid, parameters);
                    writer.WriteOctetString(ciphertext, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }

            return ContentInfo.Wrap(Oids.EnvelopedData, writer.Encode());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
