using System.Security.Claims;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Admin;

/// <summary>
/// The claims an authenticated admin caller carries: <see cref="ClaimTypes.Name"/> (the user name, or the token's
/// name), <see cref="ClaimTypes.Role"/> (a <see cref="Role"/> name) and <see cref="Kind"/>.
/// </summary>
internal static class AdminClaims
{
    /// <summary><see cref="AccountKind"/> or <see cref="TokenKind"/>.</summary>
    public const string Kind = "certbroker:principal-kind";

    public const string AccountKind = "account";

    public const string TokenKind = "token";

    /// <summary>
    /// Present on an account whose password expired, was set by an administrator or was generated at first start: until
    /// it is changed, the caller may only see who it is and change the password.
    /// </summary>
    public const string PasswordChangeRequiredClaim = "certbroker:password-change-required";

    /// <summary>On an API token: the user name of the account it acts for (<see cref="ApiToken.Owner"/>), when it has one.</summary>
    public const string TokenOwnerClaim = "certbroker:token-owner";

    /// <summary>
    /// The account a new API token created by this caller belongs to: the caller's own user name, or the owner of the
    /// caller's token; null for a token without an owner (or the configured monitoring token).
    /// </summary>
    public static string? OwningAccount(this ClaimsPrincipal user) =>
        user.FindFirstValue(Kind) == AccountKind ? user.Identity?.Name : user.FindFirstValue(TokenOwnerClaim);

    public static bool PasswordChangeRequired(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == PasswordChangeRequiredClaim);

    /// <summary>The caller's role, or null for an anonymous caller.</summary>
    public static Role? CallerRole(this ClaimsPrincipal user) =>
        Enum.TryParse(user.FindFirstValue(ClaimTypes.Role), out Role role) ? role : null;

    /// <summary>The audit trail's name for the caller: the user name, or <c>token:NAME</c>.</summary>
    public static string Actor(this ClaimsPrincipal user)
    {
        string name = user.Identity?.Name ?? "anonymous";
        return user.FindFirstValue(Kind) == TokenKind ? "token:" + name : name;
    }

    /// <summary>A new audit event by the caller of <paramref name="http"/>, at <paramref name="time"/>.</summary>
    public static AuditEvent AuditBy(this HttpContext http, DateTimeOffset time, string action, AuditOutcome outcome = AuditOutcome.Success) => new()
    {
        Time = time,
        Action = action,
        Outcome = outcome,
        Actor = http.User.Actor(),
        SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
    };
}
