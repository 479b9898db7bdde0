using System.Security.Cryptography;
using System.Text;
using CertBroker.Core.Audit;

namespace CertBroker.Core.Challenges;

/// <summary>A one-time challenge password as stored: its SHA-256, never the password itself.</summary>
public sealed record OneTimeChallenge
{
    public long Id { get; init; }

    /// <summary>Lower-case hex SHA-256 of the password's UTF-8 bytes (see <see cref="HashOf"/>).</summary>
    public required string PasswordSha256 { get; init; }

    public required string Profile { get; init; }

    public ChallengeBinding? Binding { get; init; }

    /// <summary>The audit actor who asked for it.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConsumedAt { get; init; }

    /// <summary>The transactionID of the request the password authorised.</summary>
    public string? ConsumedTransaction { get; init; }

    /// <summary>
    /// A fast hash is enough: the passwords are random (64 bits), short-lived and used once, and the enrolment path
    /// must find the row by its hash without trying each one.
    /// </summary>
    public static string HashOf(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password.Trim())));
}

/// <summary>
/// A one-time password that authorised a request, to be marked used in the same database transaction that records
/// the decision (issued or pending). Set on <see cref="Storage.EnrolmentTransaction.Challenge"/>.
/// </summary>
/// <param name="ChallengeId">The challenge row.</param>
/// <param name="UsedEvent">The <c>challenge.used</c> audit event, written with it.</param>
public sealed record ChallengeRedemption(long ChallengeId, AuditEvent UsedEvent);

/// <summary>The password was used by another transaction between the check and the write; nothing was written.</summary>
public sealed class ChallengeAlreadyUsedException(long challengeId)
    : Exception($"One-time challenge {challengeId} has already been used.")
{
    public long ChallengeId { get; } = challengeId;
}

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
