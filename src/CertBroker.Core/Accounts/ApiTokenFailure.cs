namespace CertBroker.Core.Accounts;

/// <summary>Why an API token was refused, for the log only; the caller is told only that it was.</summary>
public enum ApiTokenFailure
{
    /// <summary>Not shaped like a token at all: wrong prefix or length.</summary>
    Malformed = 1,

    /// <summary>No such token, or it was revoked.</summary>
    Unknown,

    Expired,
}
