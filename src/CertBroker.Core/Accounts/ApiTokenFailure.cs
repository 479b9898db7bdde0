namespace CertBroker.Core.Accounts;

/// <summary>Why an API token was refused, for the log only; the caller is told only that it was.</summary>
public enum ApiTokenFailure
{
    /// <summary>Not shaped like a token at all: wrong prefix or length.</summary>
    Malformed = 1,

    /// <summary>No such token, or it was revoked.</summary>
    Unknown,

    Expired,

    /// <summary>The account the token acts for was deleted.</summary>
    OwnerGone,

    /// <summary>The account the token acts for is disabled; the token works again once it is enabled.</summary>
    OwnerDisabled,

    /// <summary>The account the token acts for no longer holds every permission of the token's role.</summary>
    OwnerLacksRole,
}
