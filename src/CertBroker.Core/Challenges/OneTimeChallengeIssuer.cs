using System.Globalization;
using System.Security.Cryptography;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Hands out one-time passwords for a profile, as NDES's admin page does: 8 random bytes as 16 upper-case hex
/// characters, the format MFD input fields and NDES scrapers expect. Only the hash is stored; issuance is audited
/// as <c>challenge.issued</c> in the same transaction.
/// For a profile whose CA hands out its own (an upstream NDES) the password is fetched from there instead, and recorded
/// here as well: the broker checks it (once, with its lockout and audit) before the upstream redeems it again.
/// </summary>
public sealed class OneTimeChallengeIssuer(IChallengeStore store, AuditRecorder audit, TimeProvider time, Backends.BackendCatalog backends)
{
    public const int PasswordBytes = 8;

    /// <param name="lifetimeMinutes">Null for the profile's <see cref="ProfileOptions.ChallengeLifetimeMinutes"/>.</param>
    /// <param name="requestedBy">An audit event naming the caller (actor, source address); its action and details are set here.</param>
    /// <exception cref="ArgumentException">The profile does not use one-time challenges.</exception>
    /// <exception cref="Backends.UpstreamChallengeException">The upstream's admin page gave no password.</exception>
    public async Task<ChallengeIssue> IssueAsync(
        ScepProfile profile, ChallengeBinding? binding, int? lifetimeMinutes, AuditEvent requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(requestedBy);
        if (profile.Options.Challenge != ChallengeMode.OneTime)
        {
            throw new ArgumentException($"Profile {profile.Name} does not use one-time challenges.", nameof(profile));
        }

        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset expiresAt = now.AddMinutes(lifetimeMinutes ?? profile.Options.ChallengeLifetimeMinutes);
        string password = backends.For(profile) is Backends.IChallengeSource source
            ? await source.FetchChallengeAsync(cancellationToken).ConfigureAwait(false)
            : Convert.ToHexString(RandomNumberGenerator.GetBytes(PasswordBytes));
        var challenge = new OneTimeChallenge
        {
            PasswordSha256 = OneTimeChallenge.HashOf(password),
            Profile = profile.Name,
            Binding = binding,
            CreatedBy = requestedBy.Actor,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        AuditEvent issued = requestedBy with
        {
            Time = now,
            Action = AuditActions.ChallengeIssued,
            Outcome = AuditOutcome.Success,
            Profile = profile.Name,
            Details = string.Create(CultureInfo.InvariantCulture, $"expires {expiresAt:u}{(binding is null ? "" : $", bound to {binding}")}"),
        };

        if (!await store.CreateAsync(challenge, profile.Options.MaxOutstandingChallenges, issued, cancellationToken).ConfigureAwait(false))
        {
            await audit.RecordAsync(issued with
            {
                Outcome = AuditOutcome.Failure,
                Details = $"{profile.Options.MaxOutstandingChallenges} unused passwords outstanding (MaxOutstandingChallenges).",
            }, cancellationToken).ConfigureAwait(false);
            return new ChallengeIssue(null, expiresAt, CapReached: true);
        }

        audit.Committed(issued);
        return new ChallengeIssue(password, expiresAt, CapReached: false);
    }
}
