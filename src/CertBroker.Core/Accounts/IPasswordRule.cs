namespace CertBroker.Core.Accounts;

/// <summary>One requirement a new password must meet.</summary>
public interface IPasswordRule
{
    /// <summary>The broken rule, with a message for the admin choosing the password; null when the candidate complies.</summary>
    PasswordViolation? Check(string candidate);
}
