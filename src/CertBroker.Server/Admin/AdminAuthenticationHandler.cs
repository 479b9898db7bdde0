using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using CertBroker.Core.Accounts;
using CertBroker.Server.Monitoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CertBroker.Server.Admin;

/// <summary>
/// The admin API's one authentication scheme: HTTP Basic (RFC 7617) with an account's user name and password, or
/// <c>Authorization: Bearer</c> (RFC 6750) with an API token. Basic is checked on every request, so lockout applies
/// per request; a refusal is a 401 problem that names both schemes. The configured monitoring token
/// (<c>CertBroker:Monitoring:Token</c>) is a Bearer secret acting with the Monitoring role.
/// </summary>
internal sealed class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccountAuthenticator accounts,
    ApiTokenAuthenticator tokens,
    PasswordCheckLimiter passwordChecks,
    SourceFailureLimiter sourceFailures,
    IOptions<SignInLimitOptions> limits,
    SignInAudit signInAudit,
    MonitoringToken monitoringToken)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "CertBroker";

    private const string Realm = "CertBroker";

    // Set when a password check was refused unrun; the challenge then answers 429 with this Retry-After.
    private static readonly object RetryAfterKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // SCEP requests leave here at once, even one that carries an Authorization header: credentials are only
        // ever checked, counted towards lockout and audited on the admin surface.
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !AdminApi.IsAdminPath(Request.Path))
        {
            return AuthenticateResult.NoResult();
        }

        if (Credentials(header, "Basic") is { } basic)
        {
            return await BasicAsync(basic).ConfigureAwait(false);
        }

        if (Credentials(header, "Bearer") is { } bearer)
        {
            return await BearerAsync(bearer).ConfigureAwait(false);
        }

        return AuthenticateResult.Fail("Unsupported authorization scheme.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        if (Context.Items[RetryAfterKey] is TimeSpan retryAfter)
        {
            // The same answer whatever the reason (full queue, failing source, name under attack), and no challenge:
            // credentials were not looked at, so asking for others would be wrong.
            Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await TypedResults.Problem(
                    "Too many sign-in attempts; try again after the time in Retry-After.",
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests")
                .ExecuteAsync(Context).ConfigureAwait(false);
            return;
        }
        bool bearerRefused = result.Failure is not null && Credentials(Request.Headers.Authorization.ToString(), "Bearer") is not null;

        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{Realm}\", charset=\"UTF-8\"");
        Response.Headers.Append(HeaderNames.WWWAuthenticate, bearerRefused ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\"" : $"Bearer realm=\"{Realm}\"");
        string detail = result.Failure is null
            ? "Send an account's credentials with HTTP Basic, or an API token as 'Authorization: Bearer <token>'."
            : "The credentials were not accepted.";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        string detail = Context.User.PasswordChangeRequired()
            ? $"Your password must be changed before anything else: POST {AdminApi.Prefix}/me/password."
            : "Your role does not allow this.";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);
    }

    private async Task<AuthenticateResult> BasicAsync(string encoded)
    {
        if (!TryDecodeBasic(encoded, out string? userName, out string? password))
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        // Cheapest refusals first: none of these derives a key, so a flood of a source over its limit costs a
        // dictionary look-up per request (the limit it reached is remembered on this node), others a key look-up.
        string? source = Context.Connection.RemoteIpAddress?.ToString();
        if (await sourceFailures.RetryAfterAsync(source, Context.RequestAborted).ConfigureAwait(false) is { } sourceWait)
        {
            Logger.LogDebug("Admin sign-in from {SourceAddress} refused unchecked: too many failures from it", source);
            return TooMany(sourceWait);
        }

        (bool admitted, AuthenticationResult? checkedResult) = await passwordChecks
            .TryRunAsync(() => accounts.AuthenticateAsync(userName, password, source, Context.RequestAborted), Context.RequestAborted)
            .ConfigureAwait(false);
        if (!admitted || checkedResult is not { } result)
        {
            Logger.LogDebug("Admin sign-in from {SourceAddress} refused unchecked: the password-check queue is full", source);
            return TooMany(TimeSpan.FromSeconds(limits.Value.BusyRetryAfterSeconds));
        }

        if (result.Status == AuthenticationStatus.SlowedDown)
        {
            Logger.LogDebug("Admin sign-in of {UserName} from {SourceAddress} slowed down: the account is under attack", result.UserName, source);
            return TooMany(result.RetryAfter ?? TimeSpan.FromSeconds(1));
        }

        if (!result.Succeeded)
        {
            await sourceFailures.RecordFailureAsync(source, Context.RequestAborted).ConfigureAwait(false);
        }

        await signInAudit.AccountAsync(Context, result, Context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Unknown name, wrong password, locked out, disabled: one answer, so none can be told from another.
            return AuthenticateResult.Fail("Account sign-in refused.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, result.UserName),
            new(ClaimTypes.Role, result.Role!.Value.ToString()),
            new(AdminClaims.Kind, AdminClaims.AccountKind),
        };
        if (result.MustChangePassword)
        {
            claims.Add(new Claim(AdminClaims.PasswordChangeRequiredClaim, "true"));
        }

        return Success(claims);
    }

    private async Task<AuthenticateResult> BearerAsync(string presented)
    {
        if (monitoringToken.Matches(presented))
        {
            return Success(
            [
                new(ClaimTypes.Name, MonitoringToken.CallerName),
                new(ClaimTypes.Role, nameof(Role.Monitoring)),
                new(AdminClaims.Kind, AdminClaims.TokenKind),
            ]);
        }

        ApiTokenAuthentication result = await tokens.AuthenticateAsync(presented, Context.RequestAborted).ConfigureAwait(false);
        await signInAudit.TokenAsync(Context, result, Context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return AuthenticateResult.Fail("API token refused.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, result.Token!.Name),
            new(ClaimTypes.Role, result.Role!.Value.ToString()),
            new(AdminClaims.Kind, AdminClaims.TokenKind),
        };
        if (result.Token.Owner is { } owner)
        {
            claims.Add(new Claim(AdminClaims.TokenOwnerClaim, owner));
        }

        return Success(claims);
    }

    private AuthenticateResult TooMany(TimeSpan retryAfter)
    {
        Context.Items[RetryAfterKey] = retryAfter;
        return AuthenticateResult.Fail("Too many sign-in attempts.");
    }

    private AuthenticateResult Success(List<Claim> claims)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The credentials after <paramref name="scheme"/> (compared case-insensitively, RFC 9110 §11.1), or null.</summary>
    private static string? Credentials(string header, string scheme) =>
        header.Length > scheme.Length
        && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
        && header[scheme.Length] == ' '
            ? header[(scheme.Length + 1)..].Trim()
            : null;

    /// <summary>Base64 of UTF-8 <c>user-id:password</c> (RFC 7617 §2, charset UTF-8 as the challenge announces).</summary>
    private static bool TryDecodeBasic(string encoded, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? userName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? password)
    {
        userName = null;
        password = null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        userName = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }
}
