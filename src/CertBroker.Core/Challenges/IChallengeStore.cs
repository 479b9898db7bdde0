using CertBroker.Core.Audit;

namespace CertBroker.Core.Challenges;

/// <summary>One-time challenge rows.</summary>
public interface IChallengeStore
{
    /// <summary>
    /// Stores <paramref name="challenge"/> unless its profile already has <paramref name="maxOutstanding"/> unused,
    /// unexpired passwords at <see cref="OneTimeChallenge.CreatedAt"/>; counted and written in one transaction, with
    /// <paramref name="auditEvent"/>.
    /// </summary>
    /// <returns>False when the cap is reached; nothing was written then.</returns>
    Task<bool> CreateAsync(OneTimeChallenge challenge, int maxOutstanding, AuditEvent auditEvent, CancellationToken cancellationToken);

    Task<OneTimeChallenge?> FindByPasswordHashAsync(string passwordSha256, CancellationToken cancellationToken);
}
