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
