using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.LoadGen;

/// <summary>Error kinds as reported: one name per way a request can go wrong.</summary>
public static class ErrorKinds
{
    public const string Pending = "PENDING";
    public const string ParseError = "parse error";
    public const string VerificationFailure = "verification failure";

    public static string Http(int status) => $"HTTP {status}";

    public static string Transport(string reason) => $"transport {reason}";

    public static string Failure(FailInfo? failInfo) => $"FAILURE {failInfo?.ToRfcName() ?? "(no failInfo)"}";
}

/// <summary>What a response turned out to be once opened.</summary>
/// <param name="Error">The error kind, or null for a SUCCESS that passed every check made.</param>
/// <param name="Detail">Why, for the first few errors shown to the operator.</param>
/// <param name="Serial">Serial number (hex) of the issued certificate.</param>
/// <param name="Certificate">The issued certificate, DER.</param>
public sealed record OpenedResponse(string? Error, string? Detail, string? Serial = null, byte[]? Certificate = null);

/// <summary>
/// Checks responses in two steps. <see cref="Classify"/> runs for every response during the run and costs one
/// signature verification: HTTP status, CertRep parse, pkiStatus, signature, transactionID and nonce. <see cref="Open"/>
/// runs after the timed run, so its RSA decryption does not compete with the server for the CPU.
/// </summary>
public sealed class ResponseInspector(CaMaterial ca, LoadOptions options)
{
    private const string PkiMessageType = "application/x-pki-message";

    /// <summary>The error kind of a response, or null when it is a CertRep SUCCESS for this request.</summary>
    public (string? Error, string? Detail) Classify(PreparedRequest request, HttpExchange exchange)
    {
        if (exchange.TransportError is { } transport)
        {
            return (ErrorKinds.Transport(transport), null);
        }

        if (exchange.StatusCode != 200)
        {
            return (ErrorKinds.Http(exchange.StatusCode), BodyText(exchange.Body));
        }

        PkiMessage reply;
        try
        {
            reply = PkiMessage.Read(exchange.Body, ca.All);
        }
        catch (Exception ex) when (ex is ScepFormatException or ScepFailureException or CryptographicException)
        {
            return (ErrorKinds.ParseError, ex.Message);
        }

        if (reply.MessageType != MessageType.CertRep || reply.Status is null)
        {
            return (ErrorKinds.ParseError, $"messageType {(int)reply.MessageType}, pkiStatus {reply.Status?.ToRfcName() ?? "absent"}");
        }

        // RFC 8894 §3.2.1.1 and §3.2.1.5: the reply echoes the transactionID and our senderNonce.
        string? mismatch = !reply.SignatureValid ? "CertRep signature does not verify"
            : reply.TransactionId != request.TransactionId ? $"transactionID {reply.TransactionId}, sent {request.TransactionId}"
            : reply.RecipientNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(request.SenderNonce) ? "recipientNonce is not our senderNonce"
            : null;
        if (mismatch is not null)
        {
            return (ErrorKinds.VerificationFailure, mismatch);
        }

        return reply.Status switch
        {
            PkiStatus.Success => (null, null),
            PkiStatus.Pending => (ErrorKinds.Pending, null),
            PkiStatus.Failure => (ErrorKinds.Failure(reply.FailInfo), null),
            _ => (ErrorKinds.ParseError, $"pkiStatus {(int)reply.Status}"),
        };
    }

    /// <summary>
    /// Decrypts a SUCCESS to find the issued certificate's serial. With <paramref name="fullVerification"/> also checks
    /// that an RA certificate from GetCACert signed it, the cipher is the one sent, the certificate chains to the CA and
    /// names the requested subject and key.
    /// </summary>
    public OpenedResponse Open(PreparedRequest request, HttpExchange exchange, bool fullVerification)
    {
        CertRepContent content;
        try
        {
            content = PkiRequest.ReadReply(exchange.Body, request.Device.Certificate, request.Device.Key, ca.All);
        }
        catch (Exception ex) when (ex is ScepFormatException or ScepFailureException or CryptographicException)
        {
            return new OpenedResponse(ErrorKinds.VerificationFailure, $"could not open the SUCCESS: {ex.Message}");
        }

        if (content.Certificates.Count == 0)
        {
            return new OpenedResponse(ErrorKinds.VerificationFailure, "SUCCESS carries no certificate");
        }

        X509Certificate2 issued = content.Certificates[0];
        var opened = new OpenedResponse(null, null, issued.SerialNumber, issued.RawData);
        string? problem = fullVerification ? Verify(request, exchange, content, issued) : null;
        foreach (X509Certificate2 certificate in content.Certificates)
        {
            certificate.Dispose();
        }

        return problem is null ? opened : opened with { Error = ErrorKinds.VerificationFailure, Detail = problem };
    }

    private string? Verify(PreparedRequest request, HttpExchange exchange, CertRepContent content, X509Certificate2 issued)
    {
        if (!string.Equals(exchange.ContentType, PkiMessageType, StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Type {exchange.ContentType ?? "absent"}, expected {PkiMessageType}";
        }

        X509Certificate2 signer = content.Message.Signer;
        if (!ca.All.Any(c => c.RawData.AsSpan().SequenceEqual(signer.RawData)))
        {
            return $"CertRep signed by {signer.Subject}, which GetCACert did not return";
        }

        if (!content.Message.SignatureValid)
        {
            return "CertRep signature does not verify";
        }

        if (content.Algorithm?.Oid != options.Cipher.Oid)
        {
            return $"reply encrypted with {content.Algorithm?.Name ?? "nothing"}, request with {options.Cipher.Name}";
        }

        if (!issued.SubjectName.RawData.AsSpan().SequenceEqual(request.Subject.RawData) && issued.Subject != request.Subject.Name)
        {
            return $"issued to '{issued.Subject}', requested '{request.Subject.Name}'";
        }

        if (!issued.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(request.Device.Certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            return "issued certificate names another public key";
        }

        return ca.Chains(issued, out string chainProblem) ? null : $"does not chain to the CA: {chainProblem}";
    }

    private static string BodyText(byte[] body)
    {
        string text = System.Text.Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 200));
        return new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
    }
}
