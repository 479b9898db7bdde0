using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Brings certificates issued elsewhere (by NDES, another CA, a device itself) into the inventory: each keeps its
/// issuer, is marked <see cref="CertificateSource.Imported"/>, is matched to a device the way an enrolment to
/// the chosen profile would be, and is checked by the weak-crypto rules. Importing the same certificate
/// again changes nothing (by SHA-256 thumbprint). An imported certificate is inventory, never a credential; one that
/// names the profile's CA as its issuer must carry that CA's signature, or the whole import is refused.
/// </summary>
public sealed class CertificateImporter(IPolicyStore store, WeakCryptoPolicy policy, TimeProvider time, AuditRecorder audit)
{
    /// <summary>Imports every certificate of <paramref name="der"/> into <paramref name="profile"/>, one transaction each.</summary>
    /// <param name="caCertificates">The profile's CA certificates: a certificate naming one of them as issuer must verify with its key.</param>
    /// <param name="auditTemplate">Who imports (actor, source address); action, target and details are filled in.</param>
    /// <exception cref="ImportRefusedException">A certificate claims the profile's CA as issuer without its signature; nothing was imported.</exception>
    public async Task<IReadOnlyList<ImportOutcome>> ImportAsync(
        IReadOnlyList<byte[]> der, ScepProfile profile, IReadOnlyList<X509Certificate2> caCertificates, AuditEvent auditTemplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(der);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(caCertificates);
        ArgumentNullException.ThrowIfNull(auditTemplate);
        if (LookAlike(der, caCertificates) is { } lookAlike)
        {
            await audit.RecordAsync(auditTemplate with
            {
                Time = time.GetUtcNow(),
                Action = AuditActions.CertificateImported,
                Outcome = AuditOutcome.Failure,
                Target = lookAlike.Serial,
                Profile = profile.Name,
                Details = lookAlike.Message,
            }, cancellationToken).ConfigureAwait(false);
            throw new ImportRefusedException(lookAlike.Message);
        }

        var outcomes = new List<ImportOutcome>(der.Count);
        foreach (byte[] encoded in der)
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(encoded);
            DateTimeOffset now = time.GetUtcNow();
            IReadOnlyList<Finding>? findings = profile.Options.WeakCrypto == WeakCryptoMode.Off ? null : policy.EvaluateCertificate(certificate, profile);
            CertificateRecord record = RecordOf(certificate, profile.Name, now) with { Findings = findings };
            AuditEvent auditEvent = auditTemplate with
            {
                Time = now,
                Action = AuditActions.CertificateImported,
                Outcome = AuditOutcome.Success,
                Target = record.Serial,
                Profile = profile.Name,
                Details = $"subject {record.Subject}, issuer {record.Issuer}, {findings?.Count ?? 0} findings"
                    + (findings is { Count: > 0 } ? ": " + string.Join("; ", findings.Select(f => f.RuleId)) : ""),
            };
            ImportOutcome outcome = await store.ImportAsync(record, DeviceObservations.From(certificate, profile, now), auditEvent, cancellationToken)
                .ConfigureAwait(false);
            if (!outcome.AlreadyPresent)
            {
                audit.Committed(auditEvent with { Target = outcome.Certificate.Serial });
            }

            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>The first certificate that names one of <paramref name="caCertificates"/> as issuer but does not verify with its key.</summary>
    private static (string Serial, string Message)? LookAlike(IReadOnlyList<byte[]> der, IReadOnlyList<X509Certificate2> caCertificates)
    {
        for (int i = 0; i < der.Count; i++)
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der[i]);
            X509Certificate2? claimed = caCertificates.FirstOrDefault(ca => ca.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
            if (claimed is not null && !Scep.Cms.CertificateSignature.IsSignedBy(der[i], claimed))
            {
                string serial = certificate.SerialNumber.ToLowerInvariant();
                return (serial, $"Certificate {i + 1} (serial {serial}) names {claimed.Subject} as its issuer, but that CA's key did not sign it.");
            }
        }

        return null;
    }

    /// <summary>The inventory record of a certificate from elsewhere: its own serial, issuer and dates.</summary>
    public static CertificateRecord RecordOf(X509Certificate2 certificate, string profile, DateTimeOffset importedAt)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        (string algorithm, int size) = CertificateRecords.KeyOf(certificate.PublicKey);
        return new CertificateRecord
        {
            Serial = CertificateRecords.SerialHex(certificate.SerialNumberBytes.Span),
            Profile = profile,
            Issuer = certificate.IssuerName.Name,
            Subject = certificate.SubjectName.Name,
            SubjectAlternativeNames = CertificateRecords.SubjectAlternativeNames(certificate.Extensions[Scep.Oids.SubjectAltName]),
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            KeyAlgorithm = algorithm,
            KeySize = size,
            SignatureAlgorithm = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "unknown",
            ThumbprintSha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
            PublicKeySha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())),
            Der = certificate.RawData,
            IssuedAt = importedAt,
            Source = CertificateSource.Imported,
        };
    }
}
