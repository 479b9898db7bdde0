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
/// again changes nothing (by SHA-256 thumbprint).
/// </summary>
public sealed class CertificateImporter(IPolicyStore store, WeakCryptoPolicy policy, TimeProvider time, AuditRecorder audit)
{
    /// <summary>Imports every certificate of <paramref name="der"/> into <paramref name="profile"/>, one transaction each.</summary>
    /// <param name="auditTemplate">Who imports (actor, source address); action, target and details are filled in.</param>
    public async Task<IReadOnlyList<ImportOutcome>> ImportAsync(
        IReadOnlyList<byte[]> der, ScepProfile profile, AuditEvent auditTemplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(der);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(auditTemplate);
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
