using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Server.Tests.Support;

/// <summary>A SCEP client's key and the throwaway self-signed certificate it signs its first request with.</summary>
internal sealed class Device : IDisposable
{
    private static readonly Dictionary<int, RSA> Keys = [];

    public Device(int keySlot)
        : this(SharedKey(keySlot))
    {
    }

    /// <summary>A device with a key of the test's making (a short one, for the weak-crypto policy).</summary>
    public Device(RSA key)
    {
        Key = key;
        var request = new CertificateRequest("CN=SCEP SIGNER", Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        SelfSigned = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }

    public RSA Key { get; }

    public X509Certificate2 SelfSigned { get; }

    public byte[] Csr(string subject, string? challenge, X509Extension? subjectAlternativeName = null)
    {
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
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

    // Key generation is slow and not what these tests are about: one key per slot, shared.
    private static RSA SharedKey(int slot)
    {
        lock (Keys)
        {
            if (!Keys.TryGetValue(slot, out RSA? key))
            {
                key = RSA.Create(2048);
                Keys[slot] = key;
            }

            return key;
        }
    }
}
