namespace CertBroker.Core.Accounts;

/// <summary>
/// A rule a candidate password breaks. <see cref="Rule"/> is a stable name for API clients; <see cref="Message"/> is for
/// people and never repeats the password.
/// </summary>
public sealed record PasswordViolation(string Rule, string Message);
