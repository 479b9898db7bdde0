using CertBroker.Core.Accounts;

namespace CertBroker.Server.Admin;

/// <summary>API tokens for automation (<see cref="Permission.ManageTokens"/>): listed without their secrets.</summary>
internal static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder tokens = api.MapGroup("/tokens").RequirePermission(Permission.ManageTokens).WithTags("Tokens");
        tokens.MapGet("/", ListAsync)
            .WithName("ListTokens")
            .WithSummary("Every API token: name, role, creation and expiry; never the secret.")
            .Produces<IReadOnlyList<TokenResponse>>();
        return api;
    }

    private static async Task<IResult> ListAsync(IApiTokenStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<ApiToken> tokens = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(tokens.Select(TokenResponse.From).ToList());
    }
}

/// <summary>An API token as listed: everything but its secret, which is shown once at creation only.</summary>
internal sealed record TokenResponse(string Name, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public static TokenResponse From(ApiToken token) => new(token.Name, token.Role, token.CreatedAt, token.ExpiresAt);
}
