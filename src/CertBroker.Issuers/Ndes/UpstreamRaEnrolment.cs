using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Issuers.Embedded;
using CertBroker.Scep;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// The broker's own RA certificate, enrolled from the upstream like a device would: a key generated here, a CSR
/// with the upstream challenge, sent in a PKCSReq signed by a throwaway self-signed certificate. Key and
/// certificate live in the profile's directory under the data directory; a key without a certificate beside a
/// <c>pending</c> marker means the upstream answered PENDING (an admin must approve there), and the next attempt
/// polls with CertPoll instead of asking again.
/// </summary>
/// <param name="directory">The profile's directory under the data directory.</param>
/// <param name="configuredSubject">A fixed subject (<c>Ndes:RaSubject</c>), or null for
/// <c>CN=CertBroker RA &lt;profile&gt; &lt;8 random hex digits&gt;</c>: some CAs (micromdm's scepserver) refuse a
/// second certificate for a subject they already issued one to, which a successor RA or a lost data directory needs.</param>
/// <param name="profileName">The profile, for the default subject.</param>
internal sealed class UpstreamRaEnrolment(string directory, string? configuredSubject, string profileName)
{
    private const int KeySize = 2048;

    /// <param name="prefix"><c>ra</c> for the current identity, <c>ra-next</c> while its successor is being enrolled.</param>
    public async Task<BrokerRa?> LoadAsync(string prefix, CancellationToken cancellationToken)
    {
        string certificatePath = Path.Combine(directory, $"{prefix}-cert.pem");
        string keyPath = Path.Combine(directory, $"{prefix}-key.pem");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        IReadOnlyList<X509Certificate2> certificates = await KeyFiles.ReadCertificatesAsync(certificatePath, "upstream RA", cancellationToken).ConfigureAwait(false);
        RSA key = await KeyFiles.ReadRsaPrivateKeyAsync(keyPath, null, "upstream RA", cancellationToken).ConfigureAwait(false);
        return new BrokerRa(certificates[0], key);
    }

    /// <summary>Sends the PKCSReq, or the CertPoll of a pending one; returns the RA once issued.</summary>
    /// <param name="challenge">Fetches the upstream challenge; only called for a new request.</param>
    public async Task<(BrokerRa? Ra, string Outcome)> EnrolAsync(
        string prefix, UpstreamHttp http, UpstreamCertificates upstream, Func<CancellationToken, Task<string>> challenge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string keyPath = Path.Combine(directory, $"{prefix}-key.pem");
        string pendingPath = Path.Combine(directory, $"{prefix}-pending");
        bool pending = File.Exists(pendingPath) && File.Exists(keyPath);
        RSA key = pending ? await KeyFiles.ReadRsaPrivateKeyAsync(keyPath, null, "upstream RA", cancellationToken).ConfigureAwait(false) : RSA.Create(KeySize);
        X500DistinguishedName name = pending ? await PendingSubjectAsync(pendingPath, cancellationToken).ConfigureAwait(false) : NewSubject();
        byte[] publicKey = key.ExportSubjectPublicKeyInfo();
        string transactionId = PkiRequest.TransactionIdFor(publicKey);
        byte[] content;
        MessageType messageType;
        if (pending)
        {
            content = PkiRequest.IssuerAndSubject(upstream.IssuingCa.SubjectName, name);
            messageType = MessageType.CertPoll;
        }
        else
        {
            content = Csr(name, key, await challenge(cancellationToken).ConfigureAwait(false));
            messageType = MessageType.PkcsReq;
            await KeyFiles.WritePrivateKeyAsync(keyPath, key, cancellationToken).ConfigureAwait(false);
        }

        using X509Certificate2 signer = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        UpstreamCertRep reply = await UpstreamExchange.RunAsync(http, upstream, messageType, transactionId, content, signer, key, now, cancellationToken).ConfigureAwait(false);
        switch (reply.Status)
        {
            case PkiStatus.Success when reply.IssuedFor(publicKey) is { } certificate:
                await KeyFiles.WriteCertificateAsync(Path.Combine(directory, $"{prefix}-cert.pem"), certificate, cancellationToken).ConfigureAwait(false);
                File.Delete(pendingPath);
                return (new BrokerRa(X509CertificateLoader.LoadCertificate(certificate.RawData), key), $"RA certificate {certificate.Subject} serial {certificate.SerialNumber} SHA-256 {Convert.ToHexString(SHA256.HashData(certificate.RawData))} issued.");
            case PkiStatus.Pending:
                // The poll names the same subject (RFC 8894 §3.3.3), so it is kept with the transaction.
                await KeyFiles.WriteAtomicallyAsync(
                    pendingPath, System.Text.Encoding.UTF8.GetBytes($"{transactionId}\n{Convert.ToBase64String(name.RawData)}\n"), KeyFiles.PublicFileMode, cancellationToken)
                    .ConfigureAwait(false);
                key.Dispose();
                return (null, $"RA certificate request {transactionId} is PENDING at the upstream; approve it there.");
            default:
                // Refused: start again with a new key and a new challenge next time.
                File.Delete(pendingPath);
                File.Delete(keyPath);
                key.Dispose();
                return (null, $"The upstream refused the RA certificate request ({reply.FailInfo?.ToRfcName() ?? "no certificate"}).");
        }
    }

    private X500DistinguishedName NewSubject()
    {
        if (!string.IsNullOrEmpty(configuredSubject))
        {
            return new X500DistinguishedName(configuredSubject);
        }

        // In the CN itself: micromdm's scepserver compares subjects by their CN only.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName($"CertBroker RA {profileName} {Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}");
        return builder.Build();
    }

    private async Task<X500DistinguishedName> PendingSubjectAsync(string pendingPath, CancellationToken cancellationToken)
    {
        string[] lines = await File.ReadAllLinesAsync(pendingPath, cancellationToken).ConfigureAwait(false);
        return lines.Length > 1 && lines[1].Length > 0 ? new X500DistinguishedName(Convert.FromBase64String(lines[1])) : NewSubject();
    }

    /// <summary>Makes the successor identity (<c>ra-next</c>) the current one (<c>ra</c>).</summary>
    public void Promote(string from, string to)
    {
        File.Move(Path.Combine(directory, $"{from}-key.pem"), Path.Combine(directory, $"{to}-key.pem"), overwrite: true);
        File.Move(Path.Combine(directory, $"{from}-cert.pem"), Path.Combine(directory, $"{to}-cert.pem"), overwrite: true);
    }

    // The challengePassword attribute (RFC 2985 §5.4.1) is how the upstream authorises the RA, as any device.
    private static byte[] Csr(X500DistinguishedName subject, RSA key, string challenge)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        // PrintableString when the password allows it, as most clients send it; UTF8String otherwise.
        bool printable = challenge.All(c => char.IsAsciiLetterOrDigit(c) || " '()+,-./:=?".Contains(c, StringComparison.Ordinal));
        writer.WriteCharacterString(printable ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String, challenge);
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, writer.Encode()));
        return request.CreateSigningRequest();
    }
}
