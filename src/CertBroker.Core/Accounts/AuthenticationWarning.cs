namespace CertBroker.Core.Accounts;

/// <summary>Something a user who signed in should be told.</summary>
public enum AuthenticationWarning
{
    /// <summary>The account still uses the password given or generated at first start.</summary>
    BootstrapPasswordInUse = 1,

    /// <summary>The password is older than the policy's validity period.</summary>
    PasswordExpired,

    /// <summary>An administrator set the password; the user has to choose their own.</summary>
    PasswordChangeRequired,
}

public static class AuthenticationWarningMessages
{
    /// <summary>The warning in words an admin understands.</summary>
    public static string ToMessage(this AuthenticationWarning warning) => warning switch
    {
        AuthenticationWarning.BootstrapPasswordInUse =>
            "This account still uses the bootstrap password set at first start. Change it now.",
        AuthenticationWarning.PasswordExpired =>
            "Your password has expired. Choose a new one to continue.",
        AuthenticationWarning.PasswordChangeRequired =>
            "Your password was set by an administrator. Choose your own to continue.",
        _ => throw new ArgumentOutOfRangeException(nameof(warning), warning, null),
    };
}
