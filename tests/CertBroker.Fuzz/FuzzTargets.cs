using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Fuzz;

/// <summary>
/// The parsers an anonymous client reaches, each driven the way the broker drives it. An input passes when it parses
/// or is refused with the exception the API documents; any other exception, a hang or a runaway allocation is a bug.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The server's default <c>CertBroker:MaxMessageBytes</c>; the GET decoder never returns more.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("message", "PkiMessage.Read, then decryption with the corpus keys and the content by messageType", ReadMessage),
        new("csr", "CertificationRequest.Parse, its public key and proof-of-possession check", ParseCsr),
        new("get", "MessageEncoding.DecodeQueryValue: first byte the limit in 16-byte units, the rest the raw query value", DecodeGetMessage),
        new("names", "CertificateNames.FromRequest: first byte even = subject Name, odd = subjectAltName", ReadNames),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The exceptions the parsers document for hostile input.</summary>
    public static bool IsDocumented(Exception exception) =>
        exception is ScepFormatException or ScepFailureException or NameFormatException;

    /// <summary>What <c>ScepResponder</c> does with a POST body, without the signature gate so mutations reach the content.</summary>
    public static void ReadMessage(byte[] input)
    {
        PkiMessage message;
        try
        {
            message = PkiMessage.Read(input);
        }
        catch (Exception ex) when (IsDocumented(ex))
        {
            return;
        }

        using (message)
        {
            Refused(() => ReadContent(message));
        }
    }

    public static void ParseCsr(byte[] input) => Refused(() => CheckCsr(CertificationRequest.Parse(input), null));

    /// <summary>The GET path: the decoder must honour its size limit and, when it returns bytes, they go to the reader.</summary>
    public static void DecodeGetMessage(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        // The first byte picks a limit (0 means the default), so small inputs also meet the size check.
        int limit = input[0] == 0 ? MaxMessageBytes : input[0] * 16;

        // Kestrel hands the raw query over as a string; Latin-1 keeps every input byte as one character.
        string raw = System.Text.Encoding.Latin1.GetString(input, 1, input.Length - 1);
        byte[]? decoded = MessageEncoding.DecodeQueryValue(raw, limit);
        if (decoded is null)
        {
            return;
        }

        if (decoded.Length > limit)
        {
            throw new InvalidOperationException($"DecodeQueryValue returned {decoded.Length} bytes over its limit of {limit}.");
        }

        ReadMessage(decoded);
    }

    public static void ReadNames(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        byte[] value = input[1..];
        Refused(() =>
        {
            if (input[0] % 2 == 0)
            {
                CertificateNames.FromRequest(new X500DistinguishedName(value), []);
            }
            else
            {
                CertificateNames.FromRequest(new X500DistinguishedName([0x30, 0x00]), [new X509Extension(CertificateNames.SubjectAltNameOid, value, false)]);
            }
        });
    }

    private static void ReadContent(PkiMessage message)
    {
        if (message.SignatureValid)
        {
            // A renewal is authorised by the signer's full certificate (RequestAuthorizer).
            _ = message.Signer.NotAfter;
        }

        if (message.MessageData is null)
        {
            return;
        }

        if (message.MessageType == MessageType.CertRep)
        {
            // Replies are encrypted to the client, whose key the corpus does not have: the envelope only has to parse.
            EnvelopedDataReader.Read(message.MessageData);
            return;
        }

        DecryptedContent content = message.DecryptMessageData(CorpusKeys.DecryptionKeys);
        switch (message.MessageType)
        {
            case MessageType.PkcsReq or MessageType.RenewalReq:
                CheckCsr(CertificationRequest.Parse(content.Content), message);
                break;
            case MessageType.CertPoll:
                CertRep.ReadIssuerAndSubject(content.Content);
                break;
            case MessageType.GetCert or MessageType.GetCrl:
                CertRep.ReadIssuerAndSerial(content.Content);
                break;
        }
    }

    // What the enrolment pipeline reads from a CSR before any policy decision.
    private static void CheckCsr(CertificationRequest csr, PkiMessage? carrier)
    {
        _ = csr.VerifySignature(carrier);
        _ = csr.PublicKeySha256;
        _ = csr.GetPublicKey();

        CertificateNames.FromRequest(csr.Subject, csr.Extensions);
    }

    private static void Refused(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (IsDocumented(ex))
        {
        }
    }
}
