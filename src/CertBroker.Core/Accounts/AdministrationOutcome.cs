namespace CertBroker.Core.Accounts;

/// <summary>How an audited change to accounts or API tokens ended.</summary>
public enum AdministrationOutcome
{
    Done,

    /// <summary>No such account or token.</summary>
    NotFound,

    /// <summary>The user name or token name is taken.</summary>
    NameTaken,

    /// <summary>Another writer changed the account first (its <see cref="AdminAccount.Version"/> moved on).</summary>
    Conflict,

    /// <summary>
    /// The change would leave no enabled Administrator, and with it nobody able to manage accounts; nothing was
    /// written.
    /// </summary>
    LastAdministrator,
}
