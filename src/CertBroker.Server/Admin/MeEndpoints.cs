using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

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
        api.MapPost("/me/password", ChangePasswordAsync)
            .WithName("ChangeOwnPassword")
            .WithSummary("Changes the caller's own password; the new one must meet the password policy.")
            .Accepts<ChangeOwnPasswordRequest>("application/json")
            .Produces<AccountResponse>()
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<IResult> ChangePasswordAsync(
        ChangeOwnPasswordRequest request, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        if (http.User.FindFirst(AdminClaims.Kind)?.Value != AdminClaims.AccountKind)
        {
            return TypedResults.Problem("API tokens have no password.", statusCode: StatusCodes.Status400BadRequest, title: "Not an account");
        }

        if (string.IsNullOrEmpty(request.CurrentPassword) || string.IsNullOrEmpty(request.NewPassword))
        {
            return AdminProblems.Invalid(new Dictionary<string, string[]>
            {
                [string.IsNullOrEmpty(request.CurrentPassword) ? "currentPassword" : "newPassword"] = ["Both the current and the new password are required."],
            });
        }

        string userName = http.User.Identity!.Name!;
        AdminAccount? account = await services.Accounts.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        if (account is null || !services.Hasher.Verify(request.CurrentPassword, account.PasswordHash))
        {
            return AdminProblems.Invalid("currentPassword", "The current password is wrong.");
        }

        var violations = services.Policy.Evaluate(request.NewPassword).ToList();
        if (string.Equals(request.NewPassword, request.CurrentPassword, StringComparison.Ordinal))
        {
            violations.Add(new PasswordViolation("DifferentFromCurrent", "The new password must differ from the current one."));
        }

        if (violations.Count > 0)
        {
            return AdminProblems.PasswordRejected("newPassword", violations);
        }

        string hash = services.Hasher.Hash(request.NewPassword);
        DateTimeOffset now = services.Time.GetUtcNow();
        return await AccountEndpoints.UpdateAsync(userName, http, services, AuditActions.PasswordChanged, current =>
            (current with { PasswordHash = hash, PasswordSetAt = now, IsBootstrapPassword = false, MustChangePassword = false },
                "Changed by the account's owner."), cancellationToken).ConfigureAwait(false);
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
