using CertBroker.Core.Accounts;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>GET /api/v1/me</c>: who the caller is, what it may do, and what it should be warned about. Open to every
/// authenticated caller, also one whose password must be changed first, so clients can tell the user why.
/// </summary>
internal static class MeEndpoints
{
    /// <summary>How long before a password expires its owner is warned.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync)
            .WithName("GetMe")
            .WithSummary("The caller's identity, role, permissions and password warnings.")
            .Produces<MeResponse>();
        return api;
    }

    private static async Task<IResult> GetAsync(
        HttpContext http, IAccountStore accountStore, IApiTokenStore tokenStore, PasswordPolicy passwordPolicy, TimeProvider timeProvider)
    {
        string name = http.User.Identity!.Name!;
        Role role = http.User.CallerRole()!.Value;
        List<string> permissions = [.. RolePermissions.For(role).Order().Select(p => p.ToString())];
        if (http.User.FindFirst(AdminClaims.Kind)?.Value == AdminClaims.TokenKind)
        {
            IReadOnlyList<ApiToken> listed = await tokenStore.ListAsync(http.RequestAborted).ConfigureAwait(false);
            ApiToken? token = listed.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            return TypedResults.Ok(new MeResponse(name, AdminClaims.TokenKind, role, permissions, token?.ExpiresAt, []));
        }

        AdminAccount? account = await accountStore.FindAsync(name, http.RequestAborted).ConfigureAwait(false);
        if (account is null)
        {
            // Deleted between authentication and now.
            return TypedResults.Problem("The account no longer exists.", statusCode: StatusCodes.Status404NotFound);
        }

        DateTimeOffset? expiresAt = passwordPolicy.ExpiresAt(account.PasswordSetAt);
        return TypedResults.Ok(new MeResponse(
            account.UserName, AdminClaims.AccountKind, account.Role, permissions, expiresAt,
            Warnings(account, expiresAt, timeProvider.GetUtcNow())));
    }

    private static List<MeWarning> Warnings(AdminAccount account, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var warnings = new List<MeWarning>();
        if (account.IsBootstrapPassword)
        {
            warnings.Add(new("bootstrap-password", AuthenticationWarning.BootstrapPasswordInUse.ToMessage()));
        }

        if (account.MustChangePassword)
        {
            warnings.Add(new("password-change-required", AuthenticationWarning.PasswordChangeRequired.ToMessage()));
        }

        if (expiresAt is not { } expires)
        {
            return warnings;
        }

        if (expires <= now)
        {
            warnings.Add(new("password-expired", AuthenticationWarning.PasswordExpired.ToMessage()));
        }
        else if (expires - now <= ExpiryWarning)
        {
            int days = Math.Max(1, (int)Math.Ceiling((expires - now).TotalDays));
            warnings.Add(new("password-expires-soon", $"Your password expires in {days} day{(days == 1 ? "" : "s")}, on {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC."));
        }

        return warnings;
    }
}

/// <param name="Name">The user name, or the API token's name.</param>
/// <param name="Kind"><c>account</c> or <c>token</c>.</param>
/// <param name="ExpiresAt">When the password (account) or the token expires; null for never.</param>
internal sealed record MeResponse(string Name, string Kind, Role Role, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt, IReadOnlyList<MeWarning> Warnings);

/// <param name="Code">Stable code for clients: <c>bootstrap-password</c>, <c>password-change-required</c>, <c>password-expired</c>, <c>password-expires-soon</c>.</param>
internal sealed record MeWarning(string Code, string Message);
