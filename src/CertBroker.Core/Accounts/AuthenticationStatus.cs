namespace CertBroker.Core.Accounts;

public enum AuthenticationStatus
{
    Succeeded,
    Failed,

    /// <summary>The account is locked after too many failed sign-ins; <see cref="AuthenticationResult.LockedUntil"/> says until when.</summary>
    LockedOut,
}
