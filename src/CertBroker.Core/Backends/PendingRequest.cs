using CertBroker.Core.Names;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>What a waiting request (for an admin or an upstream CA) stores for the admin's queue view.</summary>
public static class PendingRequest
{
    /// <summary>The challenge mode a request authorised as a renewal is stored with; its renewed serial is in its key.</summary>
    public const string RenewalChallengeMode = "Renewal";

    /// <param name="transaction">The Pending transaction as first written.</param>
    /// <param name="csr">Its CSR.</param>
    /// <param name="profile">Its profile: the challenge mode and how long it may wait.</param>
    /// <param name="names">The name policy's decision: what was asked for, what would be issued, what was left out.</param>
    /// <param name="findings">Its weak-crypto findings.</param>
    /// <param name="deviceId">The inventory device it matched, if any.</param>
    public static EnrolmentTransaction Describe(
        EnrolmentTransaction transaction, CertificationRequest csr, ScepProfile profile, NameDecision names, IReadOnlyList<Finding>? findings, long? deviceId)
    {
        (string keyAlgorithm, int keySize) = CertificateRecords.KeyOf(csr.GetPublicKey());
        return transaction with
        {
            SubjectAlternativeNames = [.. names.Requested.AlternativeNames.Select(n => Printable.Of(n.ToString()))],
            IssuedSubject = names.Issued?.SubjectText,
            IssuedSubjectAlternativeNames = names.Issued?.AlternativeNameTexts ?? [],
            NameFindings = [.. names.Findings.Select(f => f.ToString())],
            KeyAlgorithm = keyAlgorithm,
            KeySize = keySize,
            // Renewals are authorised by the certificate they renew; never the challenge value.
            ChallengeMode = transaction.RenewalOf is null ? profile.Options.Challenge.ToString() : RenewalChallengeMode,
            Findings = findings?.Select(f => f.ToString()).ToList() ?? [],
            DeviceId = deviceId,
            ExpiresAt = transaction.CreatedAt.AddDays(profile.Options.PendingExpiryDays),
        };
    }
}
