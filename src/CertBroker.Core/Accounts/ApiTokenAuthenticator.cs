namespace CertBroker.Core.Accounts;

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
