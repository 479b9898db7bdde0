using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Scep;
using CertBroker.Scep.Cms;
using CertBroker.Issuers.Tests.Support;

namespace CertBroker.Issuers.Tests.Ndes;

/// <summary>
/// A SCEP CA without RA, as micromdm's scepserver is, answering in memory with the wire-format code's server side:
/// the wire-format tests of the upstream client need a peer that is not the client itself. The server tests use a
/// real CertBroker over HTTP instead.
/// </summary>
internal sealed class InMemoryScepCa : HttpMessageHandler
{
    private readonly (X509Certificate2 Certificate, RSA Key) _ca = TestPki.CreateCa("In-memory SCEP CA");
    private readonly (X509Certificate2 Certificate, RSA Key) _stranger = TestPki.CreateCa("Someone else");

    public string Capabilities { get; set; } = "AES\nSHA-512\nSHA-256\nPOSTPKIOperation";

    /// <summary>What the next PKIOperation answers.</summary>
    public PkiStatus Answer { get; set; } = PkiStatus.Success;

    /// <summary>Signs the reply with a certificate the client never saw in GetCACert.</summary>
    public bool SignAsStranger { get; set; }

    /// <summary>Answers with a recipientNonce that is not the request's senderNonce (PENDING or FAILURE only).</summary>
    public bool WrongNonce { get; set; }

    /// <summary>Every request fails as if the host were down.</summary>
    public bool Down { get; set; }

    public X509Certificate2 Ca => _ca.Certificate;

    /// <summary>CSRs of PKCSReqs by transactionID, so a later CertPoll (RFC 8894 §3.3.3) finds its request.</summary>
    private Dictionary<string, byte[]> Requests { get; } = [];

    public List<(HttpMethod Method, string Cipher, string Digest)> Received { get; } = [];

    /// <summary>The messageType of every PKIOperation, in order.</summary>
    public List<MessageType> MessageTypes { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new HttpRequestException("Connection refused (upstream.test:80)");
        }

        string query = request.RequestUri!.Query;
        if (query.Contains("operation=GetCACaps", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Encoding.ASCII.GetBytes(Capabilities)) };
        }

        if (query.Contains("operation=GetCACert", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_ca.Certificate.RawData) };
        }

        byte[] message = request.Method == HttpMethod.Post
            ? await request.Content!.ReadAsByteArrayAsync(cancellationToken)
            : Convert.FromBase64String(Uri.UnescapeDataString(query[(query.IndexOf("message=", StringComparison.Ordinal) + 8)..]));
        using PkiMessage pki = PkiMessage.Read(message);
        DecryptedContent content = pki.DecryptMessageData([(_ca.Certificate, _ca.Key)]);
        Received.Add((request.Method, content.Algorithm.Name, DigestAlgorithms.DisplayName(pki.Signature.Digest)));
        MessageTypes.Add(pki.MessageType);
        if (pki.MessageType == MessageType.PkcsReq)
        {
            Requests[pki.TransactionId] = content.Content;
        }

        byte[] csr = Requests[pki.TransactionId];
        var signer = SignAsStranger
            ? new CmsSigner(_stranger.Certificate, _stranger.Key, HashAlgorithmName.SHA256)
            : new CmsSigner(_ca.Certificate, _ca.Key, HashAlgorithmName.SHA256);
        PkiMessage answered = WrongNonce ? WithNonce(pki, RandomNumberGenerator.GetBytes(16)) : pki;
        byte[] reply = Answer switch
        {
            PkiStatus.Success => CertRep.Success(answered, signer, content.Algorithm, [Issue(CertificationRequest.Parse(csr)).RawData], null, DateTimeOffset.UtcNow),
            PkiStatus.Pending => CertRep.Pending(answered, signer, DateTimeOffset.UtcNow),
            _ => CertRep.Failure(answered, signer, FailInfo.BadRequest, DateTimeOffset.UtcNow),
        };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(reply) };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ca.Key.Dispose();
            _stranger.Key.Dispose();
        }

        base.Dispose(disposing);
    }

    private static PkiMessage WithNonce(PkiMessage request, byte[] nonce) => new()
    {
        MessageType = request.MessageType,
        TransactionId = request.TransactionId,
        TransactionIdEncoded = request.TransactionIdEncoded,
        SenderNonce = nonce,
        SignerCertificate = request.SignerCertificate,
        Signature = request.Signature,
        SignatureValid = request.SignatureValid,
        MessageData = request.MessageData,
        Certificates = request.Certificates,
    };

    private X509Certificate2 Issue(CertificationRequest csr)
    {
        var request = new CertificateRequest(csr.Subject, csr.GetPublicKey(), HashAlgorithmName.SHA256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.Create(_ca.Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(_ca.Key, RSASignaturePadding.Pkcs1), now.AddMinutes(-5), now.AddDays(30), RandomNumberGenerator.GetBytes(12));
    }
}
