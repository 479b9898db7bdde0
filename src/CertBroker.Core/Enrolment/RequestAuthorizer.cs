using CertBroker.Core.Names;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Decides whether a PKCSReq or RenewalReq may be issued: as a renewal, by a still-valid, not yet renewed certificate
/// this CA issued (its signature verified when the message was read) for the same names (RFC 8894 §3.3.1.2), or as
/// a first enrolment, by the profile's challenge behind the per-source lockout.
/// </summary>
public sealed class RequestAuthorizer(TimeProvider time, ChallengeGuard challenges)
{
    /// <param name="signerCertificate">The store's record of the request's signer, when this CA issued it.</param>
    public async ValueTask<Authorization> AuthorizeAsync(
        EnrolmentContext context, CertificationRequest csr, CertificateRecord? signerCertificate, CancellationToken cancellationToken)
    {
        (ScepProfile profile, PkiMessage request) = (context.Profile, context.Request);
        if (profile.Options.TrustedRaThumbprints.Count > 0 && TrustedRa(profile, request) is { } trusted)
        {
            return trusted;
        }

        CertificateNames names = context.Names?.Issued ?? throw new InvalidOperationException("The name policy runs before authorisation.");
        Authorization? renewal = signerCertificate is null ? null : Renewal(profile, request, names, signerCertificate);
        if (renewal is { Allowed: true })
        {
            return renewal.Value;
        }

        if (request.MessageType == MessageType.RenewalReq)
        {
            return renewal ?? Authorization.Refuse("RenewalReq is not signed by a certificate this CA issued.");
        }

        Authorization challenge = await ChallengeAsync(context, csr, names, cancellationToken).ConfigureAwait(false);
        return challenge.Allowed || renewal is null
            ? challenge
            : renewal.Value with { Reason = $"{renewal.Value.Reason} {challenge.Reason}" };
    }

    // A request signed by a registration authority this profile trusts: the RA checked the device (RFC 8894 §2.8).
    private Authorization? TrustedRa(ScepProfile profile, PkiMessage request)
    {
        string thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(request.SignerCertificate.RawData.Span));
        if (!profile.Options.TrustedRaThumbprints.Contains(thumbprint, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        return now >= request.Signer.NotBefore.ToUniversalTime() && now <= request.Signer.NotAfter.ToUniversalTime()
            ? Authorization.Allow($"Signed by trusted RA {request.Signer.Subject} ({thumbprint}).")
            : Authorization.Refuse($"Trusted RA certificate {thumbprint} is not valid now.");
    }

    private Authorization Renewal(ScepProfile profile, PkiMessage request, CertificateNames names, CertificateRecord current)
    {
        if (!profile.Options.AllowRenewal)
        {
            return Authorization.Refuse($"Profile {profile.Name} does not allow renewal.");
        }

        if (!string.Equals(current.Profile, profile.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Authorization.Refuse($"Signer certificate {current.Serial} belongs to profile {current.Profile}.");
        }

        if (current.Source == CertificateSource.Imported)
        {
            // Inventory, never a credential: it reached the store through the admin API, not through enrolment.
            return Authorization.Refuse($"Signer certificate {current.Serial} was imported; an imported certificate does not authorise a renewal.");
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

        if (current.SupersededBy is not null)
        {
            // Only its own re-sent transaction, answered from the store before this, may still use it.
            return Authorization.RefuseRenewal($"Signer certificate {current.Serial} was already renewed by {current.SupersededBy}.", current.Serial);
        }

        if (!profile.Options.Names.AllowChangeOnRenewal && !SameNames(request, names))
        {
            return Authorization.RefuseRenewal($"The names asked for differ from those of signer certificate {current.Serial}.", current.Serial);
        }

        return InRenewalWindow(profile.Options, current, now)
            ? Authorization.AllowRenewal($"Renewal of certificate {current.Serial}.", current.Serial)
            : Authorization.RefuseRenewal($"Certificate {current.Serial} is not yet in its renewal window.", current.Serial);
    }

    private static bool SameNames(PkiMessage request, CertificateNames names)
    {
        try
        {
            return CertificateNames.FromCertificate(request.Signer).SameAs(names);
        }
        catch (NameFormatException)
        {
            return false;
        }
    }

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

    private ValueTask<Authorization> ChallengeAsync(EnrolmentContext context, CertificationRequest csr, CertificateNames names, CancellationToken cancellationToken)
    {
        ScepProfile profile = context.Profile;
        if (profile.Options.Challenge == ChallengeMode.None)
        {
            return ValueTask.FromResult(Authorization.Allow("Profile requires no challenge."));
        }

        return new ValueTask<Authorization>(challenges.CheckAsync(profile, csr, names, context.Key.Value, context.RequesterAddress, cancellationToken));
    }
}
