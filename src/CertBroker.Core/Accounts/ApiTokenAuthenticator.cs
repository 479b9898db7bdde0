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

/// <summary>Checks a presented API token against the stored hashes.</summary>
public sealed class ApiTokenAuthenticator(IApiTokenStore store, TimeProvider timeProvider)
{
    public async Task<ApiTokenAuthentication> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (!ApiTokenSecret.IsWellFormed(presented))
        {
            return new() { Failure = ApiTokenFailure.Malformed };
        }

        ApiToken? token = await store.FindBySecretHashAsync(ApiTokenSecret.Hash(presented), cancellationToken).ConfigureAwait(false);

        // Compared again in constant time, whatever matching the store did to find it.
        if (token is null || !ApiTokenSecret.Matches(presented, token.SecretHash))
        {
            return new() { Failure = ApiTokenFailure.Unknown };
        }

        if (token.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return new() { Token = token, Failure = ApiTokenFailure.Expired };
        }

        return new() { Token = token };
    }
}
