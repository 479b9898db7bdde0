namespace CertBroker.Core.Accounts;

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
            "Your password was set for you, by an administrator or generated at first start. Choose your own to continue.",
        _ => throw new ArgumentOutOfRangeException(nameof(warning), warning, null),
    };
}
