namespace CertBroker.Core.Accounts;

/// <summary>The outcome of presenting an API token: the token and its role, or why it was refused.</summary>
public sealed record ApiTokenAuthentication
{
    /// <summary>The stored token when found, also when refused as expired so the log can name it.</summary>
    public ApiToken? Token { get; init; }

    public ApiTokenFailure? Failure { get; init; }

    public bool Succeeded => Token is not null && Failure is null;

    /// <summary>The token's role when it was accepted.</summary>
    public Role? Role => Succeeded ? Token!.Role : null;
}
