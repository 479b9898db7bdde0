namespace CertBroker.Core.Accounts;

public enum AuthenticationStatus
{
    Succeeded,
    Failed,

    /// <summary>The account is locked for this source after too many failed sign-ins from it; <see cref="AuthenticationResult.LockedUntil"/> says until when.</summary>
    LockedOut,

    /// <summary>
    /// Not checked: the name is under attack from many sources and this source has failed on it; try again after
    /// <see cref="AuthenticationResult.RetryAfter"/>.
    /// </summary>
    SlowedDown,
}
