namespace CertBroker.Core.Accounts;

public enum BootstrapOutcome
{
    /// <summary>Accounts existed already; nothing was done.</summary>
    AccountsExist,

    /// <summary><c>admin</c> was created with the configured bootstrap password.</summary>
    CreatedWithConfiguredPassword,

    /// <summary><c>admin</c> was created with a generated password, written to a file and returned for the log.</summary>
    CreatedWithGeneratedPassword,
}
