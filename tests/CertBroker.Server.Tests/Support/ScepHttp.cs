using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Server.Tests.Support;

/// <summary>The certificates GetCACert presents, in the order the server sent them.</summary>
internal sealed record CaCertificates(IReadOnlyList<X509Certificate2> All)
{
    public X509Certificate2 RaSigning => All[0];

    public X509Certificate2 RaEncryption => All[1];

    public X509Certificate2 Ca => All[^1];
}

/// <summary>A PKIOperation as sent, with what the client needs to open the reply.</summary>
internal sealed record SentRequest(byte[] Encoded, string TransactionId, byte[] SenderNonce, Device Device)
{
    public CertRepContent Open(byte[] reply) => PkiRequest.ReadReply(reply, Device.SelfSigned, Device.Key);
}

/// <summary>What a SCEP client does over HTTP, built on the wire-format code's client side.</summary>
internal static class ScepHttp
{
    public const string PkiMessageType = "application/x-pki-message";

    public static async Task<CaCertificates> GetCaCertificatesAsync(HttpClient client, string path = "/scep")
    {
        HttpResponseMessage response = await client.GetAsync($"{path}?operation=GetCACert");
        response.EnsureSuccessStatusCode();
        SignedDataContent degenerate = SignedDataReader.Read(await response.Content.ReadAsByteArrayAsync());
        return new CaCertificates(degenerate.Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span)).ToList());
    }

    public static SentRequest PkcsReq(
        CaCertificates ca, Device device, string subject, string? challenge, X509Extension? subjectAlternativeName = null, ContentEncryptionAlgorithm? cipher = null)
    {
        string transactionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        byte[] encoded = PkiRequest.Write(
            MessageType.PkcsReq,
            transactionId,
            nonce,
            device.Csr(subject, challenge, subjectAlternativeName),
            [ca.RaEncryption],
            cipher ?? ContentEncryptionAlgorithm.Aes256Cbc,
            new CmsSigner(device.SelfSigned, device.Key, HashAlgorithmName.SHA256),
            DateTimeOffset.UtcNow);
        return new SentRequest(encoded, transactionId, nonce, device);
    }

    /// <summary>The Content-Type header exactly as sent, parameters included.</summary>
    public static string? ContentType(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Type", out IEnumerable<string>? values) ? string.Join(", ", values) : null;
}
