namespace CertBroker.Core.Accounts;

/// <summary>One requirement a new password must meet.</summary>
public interface IPasswordRule
{
    /// <summary>The broken rule, with a message for the admin choosing the password; null when the candidate complies.</summary>
    PasswordViolation? Check(string candidate);
}

/// <summary>
/// A rule a candidate password breaks. <see cref="Rule"/> is a stable name for API clients; <see cref="Message"/> is for
/// people and never repeats the password.
/// </summary>
public sealed record PasswordViolation(string Rule, string Message);
