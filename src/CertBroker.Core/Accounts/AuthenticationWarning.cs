namespace CertBroker.Core.Accounts;

/// <summary>Something a user who signed in should be told.</summary>
public enum AuthenticationWarning
{
    /// <summary>The account still uses the password given or generated at first start.</summary>
    BootstrapPasswordInUse = 1,

    /// <summary>The password is older than the policy's validity period.</summary>
    PasswordExpired,

    /// <summary>An administrator set the password, or it was generated at first start; the user has to choose their own.</summary>
    PasswordChangeRequired,
}
