using System.Security.Cryptography;
using System.Text;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// The decision on whether a request may be issued, and on what grounds. <paramref name="Renewal"/> says it was
/// authorised by a still-valid certificate this CA issued, which a Manual profile may let skip the queue.
/// </summary>
internal readonly record struct Authorization(bool Allowed, string Reason, bool Renewal = false)
{
    public static Authorization Allow(string reason) => new(true, reason);

    public static Authorization AllowRenewal(string reason) => new(true, reason, Renewal: true);

    public static Authorization Refuse(string reason) => new(false, reason);
}

/// <summary>
/// Decides whether a PKCSReq or RenewalReq may be issued: as a renewal, by a still-valid certificate this CA issued
/// for the same subject (RFC 8894 §3.3.1.2), or as a first enrolment, by the profile's challenge.
/// </summary>
internal sealed class RequestAuthorizer(TimeProvider time)
{
    /// <param name="signerCertificate">The store's record of the request's signer, when this CA issued it.</param>
    public Authorization Authorize(ScepProfile profile, PkiMessage request, CertificationRequest csr, CertificateRecord? signerCertificate)
    {
        Authorization? renewal = signerCertificate is null ? null : Renewal(profile, request, csr, signerCertificate);
        if (renewal is { Allowed: true })
        {
            return renewal.Value;
        }

        if (request.MessageType == MessageType.RenewalReq)
        {
            return renewal ?? Authorization.Refuse("RenewalReq is not signed by a certificate this CA issued.");
        }

        Authorization challenge = Challenge(profile, csr);
        return challenge.Allowed || renewal is null
            ? challenge
            : Authorization.Refuse($"{renewal.Value.Reason} {challenge.Reason}");
    }

    private Authorization Renewal(ScepProfile profile, PkiMessage request, CertificationRequest csr, CertificateRecord current)
    {
        if (!profile.Options.AllowRenewal)
        {
            return Authorization.Refuse($"Profile {profile.Name} does not allow renewal.");
        }

        if (!string.Equals(current.Profile, profile.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Authorization.Refuse($"Signer certificate {current.Serial} belongs to profile {current.Profile}.");
        }

        DateTimeOffset now = time.GetUtcNow();
        if (current.RevokedAt is not null)
        {
            return Authorization.Refuse($"Signer certificate {current.Serial} is revoked.");
        }

        if (now < current.NotBefore || now > current.NotAfter)
        {
            return Authorization.Refuse($"Signer certificate {current.Serial} is not valid now.");
        }

        if (!SameSubject(request, csr))
        {
            return Authorization.Refuse($"CSR subject differs from that of signer certificate {current.Serial}.");
        }

        return InRenewalWindow(profile.Options, current, now)
            ? Authorization.AllowRenewal($"Renewal of certificate {current.Serial}.")
            : Authorization.Refuse($"Certificate {current.Serial} is not yet in its renewal window.");
    }

    private static bool SameSubject(PkiMessage request, CertificationRequest csr) =>
        request.SignerCertificate.SubjectName.Span.SequenceEqual(csr.Subject.RawData)
        || string.Equals(request.Signer.SubjectName.Name, csr.Subject.Name, StringComparison.Ordinal);

    // With both limits set, either one opens the window.
    private static bool InRenewalWindow(ProfileOptions options, CertificateRecord current, DateTimeOffset now)
    {
        if (options.RenewalWindowDays is null && options.RenewalWindowPercent is null)
        {
            return true;
        }

        TimeSpan remaining = current.NotAfter - now;
        TimeSpan lifetime = current.NotAfter - current.NotBefore;
        return (options.RenewalWindowDays is int days && remaining <= TimeSpan.FromDays(days))
            || (options.RenewalWindowPercent is int percent && remaining <= lifetime * (percent / 100.0));
    }

    private static Authorization Challenge(ScepProfile profile, CertificationRequest csr)
    {
        if (profile.Options.Challenge == ChallengeMode.None)
        {
            return Authorization.Allow("Profile requires no challenge.");
        }

        if (string.IsNullOrEmpty(profile.Options.ChallengePassword))
        {
            return Authorization.Refuse($"Profile {profile.Name} has no challenge configured and does not say Challenge=None.");
        }

        if (csr.ChallengePassword is null)
        {
            return Authorization.Refuse("CSR carries no challengePassword.");
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(csr.ChallengePassword)),
            SHA256.HashData(Encoding.UTF8.GetBytes(profile.Options.ChallengePassword)))
            ? Authorization.Allow("Challenge accepted.")
            : Authorization.Refuse("Challenge does not match.");
    }
}
