namespace CertBroker.Core.Accounts;

/// <summary>
/// Checks a presented API token against the stored hashes, and that the account it acts for still exists, is
/// enabled and holds the token's permissions: a token never outlives, or outranks, its owner.
/// </summary>
public sealed class ApiTokenAuthenticator(IApiTokenStore store, IAccountStore accounts, TimeProvider timeProvider)
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

        if (token.Owner is { } ownerName && await OwnerFailureAsync(token, ownerName, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return new() { Token = token, Failure = failure };
        }

        return new() { Token = token };
    }

    // Looked up on every request rather than cached: disabling an account must stop its tokens at once.
    private async Task<ApiTokenFailure?> OwnerFailureAsync(ApiToken token, string ownerName, CancellationToken cancellationToken)
    {
        AdminAccount? owner = await accounts.FindAsync(ownerName, cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            return ApiTokenFailure.OwnerGone;
        }

        if (owner.Disabled)
        {
            return ApiTokenFailure.OwnerDisabled;
        }

        return RolePermissions.For(token.Role).All(permission => owner.Role.Allows(permission)) ? null : ApiTokenFailure.OwnerLacksRole;
    }
}
