namespace CertBroker.Core.Accounts;

/// <summary>Why a sign-in failed, for the log and audit trail; the caller is told only that it failed.</summary>
public enum AuthenticationFailure
{
    UnknownUser = 1,
    WrongPassword,
    AccountDisabled,

    /// <summary>The outcome could not be recorded because other sign-ins kept changing the account at the same time.</summary>
    Contention,
}
