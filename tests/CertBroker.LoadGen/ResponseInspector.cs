using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

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
/// <param name="Cipher">The content-encryption algorithm the SUCCESS was encrypted with.</param>
public sealed record OpenedResponse(string? Error, string? Detail, string? Serial = null, byte[]? Certificate = null, ContentEncryptionAlgorithm? Cipher = null);

/// <summary>
/// Checks responses in two steps. <see cref="Triage"/> runs for every response inside the timed run and costs no
/// cryptography: HTTP status and the unverified pkiStatus. <see cref="Inspect"/> runs once the clock has stopped, so
/// its signature check and RSA decryption do not compete with the server for the CPU.
/// </summary>
public sealed class ResponseInspector(CaMaterial ca)
{
    private const string PkiMessageType = "application/x-pki-message";

    /// <summary>
    /// The error kind as far as the transport, the HTTP status and the unverified pkiStatus tell, or null for what
    /// looks like a SUCCESS. Provisional for every HTTP 200: <see cref="Inspect"/> has the last word.
    /// </summary>
    public static string? Triage(HttpExchange exchange)
    {
        if (exchange.TransportError is { } transport)
        {
            return ErrorKinds.Transport(transport);
        }

        if (exchange.StatusCode != 200)
        {
            return ErrorKinds.Http(exchange.StatusCode);
        }

        if (!CertRepPeek.TryRead(exchange.Body, out PkiStatus status, out FailInfo? failInfo))
        {
            return ErrorKinds.ParseError;
        }

        return status switch
        {
            PkiStatus.Success => null,
            PkiStatus.Pending => ErrorKinds.Pending,
            PkiStatus.Failure => ErrorKinds.Failure(failInfo),
            _ => ErrorKinds.ParseError,
        };
    }

    /// <summary>
    /// Checks one response for good: a CertRep signed by a certificate from GetCACert or the message, with our
    /// transactionID and senderNonce echoed, and for a SUCCESS decrypts it to find the issued certificate's serial
    /// and the cipher used. With <paramref name="fullVerification"/> also checks that a GetCACert certificate signed
    /// it, the certificate chains to the CA and names the requested subject and key.
    /// </summary>
    public OpenedResponse Inspect(PreparedRequest request, HttpExchange exchange, bool fullVerification)
    {
        if (exchange.TransportError is { } transport)
        {
            return new OpenedResponse(ErrorKinds.Transport(transport), null);
        }

        if (exchange.StatusCode != 200)
        {
            return new OpenedResponse(ErrorKinds.Http(exchange.StatusCode), BodyText(exchange.Body));
        }

        PkiMessage reply;
        try
        {
            reply = PkiMessage.Read(exchange.Body, ca.All);
        }
        catch (Exception ex) when (ex is ScepFormatException or ScepFailureException or CryptographicException)
        {
            return new OpenedResponse(ErrorKinds.ParseError, ex.Message);
        }

        try
        {
            return Inspect(request, exchange, reply, fullVerification);
        }
        finally
        {
            // PkiMessage.Dispose would also dispose a signer it found among the GetCACert certificates.
            reply.SignerRsaKey?.Dispose();
            if (!ca.All.Contains(reply.Signer))
            {
                reply.Signer.Dispose();
            }
        }
    }

    private OpenedResponse Inspect(PreparedRequest request, HttpExchange exchange, PkiMessage reply, bool fullVerification)
    {
        if (reply.MessageType != MessageType.CertRep || reply.Status is null)
        {
            return new OpenedResponse(ErrorKinds.ParseError, $"messageType {(int)reply.MessageType}, pkiStatus {reply.Status?.ToRfcName() ?? "absent"}");
        }

        // RFC 8894 §3.2.1.1 and §3.2.1.5: the reply echoes the transactionID and our senderNonce.
        string? mismatch = !reply.SignatureValid ? "CertRep signature does not verify"
            : reply.TransactionId != request.TransactionId ? $"transactionID {reply.TransactionId}, sent {request.TransactionId}"
            : reply.RecipientNonce is not { } nonce || !nonce.AsSpan().SequenceEqual(request.SenderNonce) ? "recipientNonce is not our senderNonce"
            : null;
        if (mismatch is not null)
        {
            return new OpenedResponse(ErrorKinds.VerificationFailure, mismatch);
        }

        switch (reply.Status)
        {
            case PkiStatus.Success:
                break;
            case PkiStatus.Pending:
                return new OpenedResponse(ErrorKinds.Pending, null);
            case PkiStatus.Failure:
                return new OpenedResponse(ErrorKinds.Failure(reply.FailInfo), null);
            default:
                return new OpenedResponse(ErrorKinds.ParseError, $"pkiStatus {(int)reply.Status}");
        }

        List<X509Certificate2> certificates;
        ContentEncryptionAlgorithm algorithm;
        try
        {
            DecryptedContent decrypted = reply.DecryptMessageData([(request.Device.Certificate, request.Device.Key)]);
            algorithm = decrypted.Algorithm;
            certificates = [.. SignedDataReader.Read(decrypted.Content).Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span))];
        }
        catch (Exception ex) when (ex is ScepFormatException or ScepFailureException or CryptographicException)
        {
            return new OpenedResponse(ErrorKinds.VerificationFailure, $"could not open the SUCCESS: {ex.Message}");
        }

        if (certificates.Count == 0)
        {
            return new OpenedResponse(ErrorKinds.VerificationFailure, "SUCCESS carries no certificate");
        }

        X509Certificate2 issued = certificates[0];
        var opened = new OpenedResponse(null, null, issued.SerialNumber, issued.RawData, algorithm);
        string? problem = fullVerification ? Verify(request, exchange, reply, issued) : null;
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }

        return problem is null ? opened : opened with { Error = ErrorKinds.VerificationFailure, Detail = problem };
    }

    private string? Verify(PreparedRequest request, HttpExchange exchange, PkiMessage reply, X509Certificate2 issued)
    {
        if (!string.Equals(exchange.ContentType, PkiMessageType, StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Type {exchange.ContentType ?? "absent"}, expected {PkiMessageType}";
        }

        X509Certificate2 signer = reply.Signer;
        if (!ca.All.Any(c => c.RawData.AsSpan().SequenceEqual(signer.RawData)))
        {
            return $"CertRep signed by {signer.Subject}, which GetCACert did not return";
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
