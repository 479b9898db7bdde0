using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker decode FILE [--ra-key KEY.pem] [--ra-cert CERT.pem]</c>: prints what a captured PKIMessage holds, so an
/// admin can see what a device sent. With the RA key it opens the envelope and prints the CSR (never the challenge).
/// </summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A captured PKIMessage: DER, base64, or the URL-escaped message of a GET." };
        var raKey = new Option<FileInfo?>("--ra-key") { Description = "PEM private key of the RA encryption certificate, to open the envelope." };
        var raCert = new Option<FileInfo?>("--ra-cert") { Description = "PEM RA encryption certificate matching --ra-key (optional)." };
        var command = new Command("decode", "Decode a captured SCEP PKIMessage.") { file, raKey, raCert };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(raKey), parse.GetValue(raCert), Console.Out));
        return command;
    }

    public static int Run(FileInfo file, FileInfo? raKeyFile, FileInfo? raCertFile, TextWriter output)
    {
        byte[] raw = File.ReadAllBytes(file.FullName);
        byte[]? message = raw.Length > 0 && raw[0] == 0x30 ? raw : MessageEncoding.DecodeQueryValue(Encoding.ASCII.GetString(raw).Trim(), 1024 * 1024);
        if (message is null)
        {
            output.WriteLine("Not a DER or base64 PKIMessage.");
            return 2;
        }

        PkiMessage pki;
        try
        {
            pki = PkiMessage.Read(message);
        }
        catch (ScepFormatException ex)
        {
            output.WriteLine($"Not a readable PKIMessage: {ex.Message} {ex.InnerException?.Message}");
            return 2;
        }
        catch (ScepFailureException ex)
        {
            // An algorithm the reader does not support (e.g. a SHA-224 signature): the kind of message worth decoding.
            output.WriteLine($"Not a readable PKIMessage: {ex.FailInfo.ToRfcName()}: {ex.Message}");
            return 2;
        }

        WriteMessage(pki, output);
        if (pki.MessageData is not null)
        {
            WriteRecipients(pki.MessageData, output);
        }

        if (raKeyFile is null || pki.MessageData is null)
        {
            return 0;
        }

        using RSA key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(raKeyFile.FullName));
        using X509Certificate2 certificate = raCertFile is null ? Placeholder(key) : X509Certificate2.CreateFromPem(File.ReadAllText(raCertFile.FullName));
        try
        {
            DecryptedContent content = pki.DecryptMessageData([(certificate, key)]);
            output.WriteLine($"Decrypted with:       {content.Algorithm.Name}");
            if (pki.MessageType is MessageType.PkcsReq or MessageType.RenewalReq)
            {
                WriteCsr(CertificationRequest.Parse(content.Content), output);
            }
            else
            {
                output.WriteLine($"Content:              {Convert.ToHexString(content.Content)}");
            }
        }
        catch (ScepFailureException ex)
        {
            output.WriteLine($"Envelope not opened:  {ex.FailInfo.ToRfcName()}: {ex.Message}");
            return 3;
        }

        return 0;
    }

    private static void WriteMessage(PkiMessage pki, TextWriter output)
    {
        output.WriteLine($"Message type:         {pki.MessageType.ToRfcName()} ({(int)pki.MessageType})");
        output.WriteLine($"Transaction ID:       {pki.TransactionId}");
        output.WriteLine($"Sender nonce:         {Convert.ToHexString(pki.SenderNonce)}");
        if (pki.RecipientNonce is not null)
        {
            output.WriteLine($"Recipient nonce:      {Convert.ToHexString(pki.RecipientNonce)}");
        }

        if (pki.Status is { } status)
        {
            output.WriteLine($"PKI status:           {status.ToRfcName()}{(pki.FailInfo is { } f ? $" ({f.ToRfcName()})" : "")}");
        }

        if (pki.SigningTime is { } signingTime)
        {
            output.WriteLine($"Signing time:         {signingTime:u}");
        }

        try
        {
            output.WriteLine($"Signer:               {pki.Signer.Subject}");
            output.WriteLine($"Signer issuer/serial: {pki.Signer.Issuer} / {pki.Signer.SerialNumber}");
            output.WriteLine($"Signer validity:      {pki.Signer.NotBefore:u} to {pki.Signer.NotAfter:u}");
        }
        catch (ScepFailureException ex)
        {
            // A signer certificate the platform cannot load: still worth showing the rest of the message.
            output.WriteLine($"Signer:               unreadable ({ex.Message})");
        }

        output.WriteLine($"Signature:            {pki.Signature.Scheme} with {DigestAlgorithms.DisplayName(pki.Signature.Digest)}, {(pki.SignatureValid ? "valid" : "INVALID")}");
        output.WriteLine($"Certificates:         {pki.Certificates.Count}");
    }

    private static void WriteRecipients(byte[] messageData, TextWriter output)
    {
        try
        {
            EnvelopedDataContent envelope = EnvelopedDataReader.Read(messageData);
            output.WriteLine($"Content encryption:   {Describe(envelope.ContentEncryptionAlgorithm.Oid)}");
            foreach (KeyTransRecipient recipient in envelope.Recipients)
            {
                string who = recipient.IssuerAndSerial is { } ias
                    ? $"{new X500DistinguishedName(ias.IssuerName.Span).Name} / serial {ias.SerialHex}"
                    : $"subject key id {Convert.ToHexString(recipient.SubjectKeyIdentifier!.Value.Span)}";
                output.WriteLine($"Recipient:            {who} ({recipient.KeyEncryptionAlgorithm.Oid})");
            }
        }
        catch (ScepFormatException ex)
        {
            output.WriteLine($"Envelope:             unreadable ({ex.Message})");
        }
    }

    private static void WriteCsr(CertificationRequest csr, TextWriter output)
    {
        PublicKey key = csr.GetPublicKey();
        output.WriteLine($"CSR subject:          {csr.Subject.Name}");
        output.WriteLine($"CSR key:              {key.Oid.FriendlyName} {KeySize(key)} bits");
        output.WriteLine($"CSR signature:        {csr.SignatureAlgorithm.Oid}, {(csr.VerifySignature() ? "valid" : "INVALID")}");
        output.WriteLine($"CSR challenge:        {(csr.ChallengePassword is null ? "absent" : "present")}");
        foreach (X509Extension extension in csr.Extensions)
        {
            output.WriteLine($"CSR extension:        {extension.Oid?.FriendlyName ?? extension.Oid?.Value}: {extension.Format(false)}");
        }
    }

    private static int KeySize(PublicKey key)
    {
        using RSA? rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize;
        }

        using ECDsa? ec = key.GetECDsaPublicKey();
        return ec?.KeySize ?? 0;
    }

    private static string Describe(string oid)
    {
        try
        {
            return ContentEncryptionAlgorithm.FromOid(oid).Name;
        }
        catch (ScepFailureException)
        {
            return oid;
        }
    }

    // Without the RA certificate every recipient is tried with the key; the certificate only names it.
    private static X509Certificate2 Placeholder(RSA key)
    {
        var request = new CertificateRequest("CN=RA key", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
    }
}
