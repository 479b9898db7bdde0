namespace CertBroker.Core.Accounts;

/// <summary>How the first Administrator is created on first start (<c>CertBroker:Admin</c>).</summary>
public sealed class BootstrapAdminOptions
{
    public const string SectionName = "CertBroker:Admin";

    /// <summary>
    /// Password of the first Administrator, user name <c>admin</c>, created when no account exists yet; also settable as
    /// the environment variable <c>CertBroker__Admin__BootstrapPassword</c>. Unset (or empty) by default: a random
    /// password is generated and written to <see cref="BootstrapPasswordFile"/> only (never to a log); the account must
    /// change it before it can do anything else. A configured password may be used as is, with a warning at every
    /// sign-in until it is changed. Ignored once any account exists.
    /// </summary>
    public string? BootstrapPassword { get; set; }

    /// <summary>
    /// Where a generated bootstrap password is written, readable by its owner only (0600). A relative path is taken
    /// under <c>CertBroker:DataDir</c>. Default <c>bootstrap-admin-password</c>.
    /// </summary>
    public string BootstrapPasswordFile { get; set; } = "bootstrap-admin-password";
}
