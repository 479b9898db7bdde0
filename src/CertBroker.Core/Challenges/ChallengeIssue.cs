namespace CertBroker.Core.Challenges;

/// <summary>The outcome of asking for a one-time password.</summary>
/// <param name="Password">The password, shown once; null when <paramref name="CapReached"/>.</param>
public sealed record ChallengeIssue(string? Password, DateTimeOffset ExpiresAt, bool CapReached);
