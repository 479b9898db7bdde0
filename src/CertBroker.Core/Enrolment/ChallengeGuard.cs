using System.Security.Cryptography;
using System.Text;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Names;
using CertBroker.Core.Profiles;
using CertBroker.Scep;
using Microsoft.Extensions.Logging;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Checks the challenge of a first enrolment, static or one-time, behind the per-source lockout. Every failure is
/// audited as <c>challenge.failed</c>; the failure that locks a source out also as <c>challenge.source-locked-out</c>.
/// A one-time password is only checked here; it is marked used when the decision it authorised is stored.
/// </summary>
public sealed partial class ChallengeGuard(
    IChallengeStore store, ChallengeLockout lockout, AuditRecorder audit, TimeProvider time, ILogger<ChallengeGuard> logger)
{
    /// <param name="names">The names the certificate would carry, which a bound one-time password must allow.</param>
    /// <param name="transactionId">The request's transaction: a password it already used still counts for it, so a
    /// re-sent request (lost reply, pending poll) is not refused by its own earlier use.</param>
    internal async Task<Authorization> CheckAsync(
        ScepProfile profile, CertificationRequest csr, CertificateNames names, string transactionId, string? source, CancellationToken cancellationToken)
    {
        if (profile.Options.Challenge == ChallengeMode.Static && string.IsNullOrEmpty(profile.Options.ChallengePassword))
        {
            // The broker's configuration, not the device, is at fault: nothing to count against the source.
            return StaticChallenge.Check(profile, csr);
        }

        LockoutState standing = await lockout.StateAsync(source, profile.Name, cancellationToken).ConfigureAwait(false);
        if (standing.LockedUntil is { } until)
        {
            // Answered without a write: the lockout itself was audited when it began, and a locked-out source's
            // requests must cost no storage however many it sends.
            return Authorization.RefuseUnrecorded($"Source {source} is locked out until {until:u} after repeated challenge failures.");
        }

        if (csr.ChallengePassword is null)
        {
            return await FailAsync(profile, transactionId, source, "CSR carries no challengePassword.", count: true, cancellationToken).ConfigureAwait(false);
        }

        Authorization result = profile.Options.Challenge == ChallengeMode.OneTime
            ? await OneTimeAsync(profile, csr, names, transactionId, source, cancellationToken).ConfigureAwait(false)
            : StaticChallenge.Check(profile, csr);
        if (!result.Allowed)
        {
            return await FailAsync(profile, transactionId, source, result.Reason, count: true, cancellationToken).ConfigureAwait(false);
        }

        if (standing.HasFailures)
        {
            // A failure another node records between the look-up and here stays counted: the stricter side.
            await lockout.RecordSuccessAsync(source, profile.Name, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Forwards the <c>challenge.used</c> event once the store has committed it with the decision.</summary>
    internal void Committed(ChallengeRedemption redemption) => audit.Committed(redemption.UsedEvent);

    private async Task<Authorization> OneTimeAsync(
        ScepProfile profile, CertificationRequest csr, CertificateNames names, string transactionId, string? source, CancellationToken cancellationToken)
    {
        OneTimeChallenge? challenge = await store.FindByPasswordHashAsync(OneTimeChallenge.HashOf(csr.ChallengePassword!), cancellationToken)
            .ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        if (challenge is null)
        {
            return Authorization.Refuse("Unknown one-time challenge.");
        }

        if (!string.Equals(challenge.Profile, profile.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Authorization.Refuse($"One-time challenge {challenge.Id} belongs to profile {challenge.Profile}.");
        }

        if (challenge.ConsumedAt is not null && !string.Equals(challenge.ConsumedTransaction, transactionId, StringComparison.Ordinal))
        {
            return Authorization.Refuse($"One-time challenge {challenge.Id} was already used.");
        }

        if (challenge.ConsumedAt is null && now >= challenge.ExpiresAt)
        {
            return Authorization.Refuse($"One-time challenge {challenge.Id} expired at {challenge.ExpiresAt:u}.");
        }

        // The facts of the names that would be issued: a serialNumber the policy drops cannot satisfy a binding.
        CsrDeviceFacts issuedFacts = CsrDeviceFacts.From(
            NameWriter.Subject(names.Subject), NameWriter.SubjectAltName(names.AlternativeNames, emptySubject: names.Subject.Count == 0));
        if (challenge.Binding is { } binding && binding.Check(names, issuedFacts) is { } unbound)
        {
            return Authorization.Refuse($"One-time challenge {challenge.Id} is bound to {binding}: {unbound}.");
        }

        if (challenge.ConsumedAt is not null)
        {
            // Already marked used by this very transaction: nothing more to record.
            return Authorization.Allow($"One-time challenge {challenge.Id} accepted again for its own transaction.");
        }

        var used = new AuditEvent
        {
            Time = now,
            Action = AuditActions.ChallengeUsed,
            Outcome = AuditOutcome.Success,
            Actor = "device",
            SourceAddress = source,
            Target = challenge.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Profile = profile.Name,
            Details = $"transactionID {transactionId}, subject {csr.Subject.Name}",
        };
        return Authorization.Allow($"One-time challenge {challenge.Id} accepted.", new ChallengeRedemption(challenge.Id, used));
    }

    private async Task<Authorization> FailAsync(
        ScepProfile profile, string transactionId, string? source, string reason, bool count, CancellationToken cancellationToken)
    {
        bool lockedNow = count && await lockout.RecordFailureAsync(source, profile.Name, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        var failed = new AuditEvent
        {
            Time = now,
            Action = AuditActions.ChallengeFailed,
            Outcome = AuditOutcome.Failure,
            Actor = "device",
            SourceAddress = source,
            Target = transactionId,
            Profile = profile.Name,
            Details = reason,
        };
        await audit.RecordAsync(failed, cancellationToken).ConfigureAwait(false);
        if (lockedNow)
        {
            LogLockedOut(logger, source);
            await audit.RecordAsync(failed with { Action = AuditActions.ChallengeSourceLockedOut, Details = "Too many failed challenge attempts." }, cancellationToken)
                .ConfigureAwait(false);
        }

        return Authorization.Refuse(reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Challenge attempts from {SourceAddress} locked out after repeated failures")]
    private static partial void LogLockedOut(ILogger logger, string? sourceAddress);
}

/// <summary>The static challenge of a profile, compared in constant time.</summary>
internal static class StaticChallenge
{
    public static Authorization Check(ScepProfile profile, CertificationRequest csr)
    {
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
