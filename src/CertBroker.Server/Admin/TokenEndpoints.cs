using System.Text.RegularExpressions;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Admin;

/// <summary>
/// API tokens for automation (<see cref="Permission.ManageTokens"/>): created with a role and an optional expiry,
/// the secret shown once; listed without secrets; deleted to revoke. Changes are audited in the same transaction.
/// </summary>
internal static partial class TokenEndpoints
{
    public const int MaxNameLength = 64;

    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder tokens = api.MapGroup("/tokens").RequirePermission(Permission.ManageTokens).WithTags("Tokens");
        tokens.MapGet("/", ListAsync)
            .WithName("ListTokens")
            .WithSummary("Every API token: name, role, creation and expiry; never the secret.")
            .Produces<IReadOnlyList<TokenResponse>>();
        tokens.MapPost("/", CreateAsync)
            .WithName("CreateToken")
            .WithSummary("Creates a token; the answer holds its secret, shown this once only.")
            .Accepts<CreateTokenRequest>("application/json")
            .Produces<CreatedTokenResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        tokens.MapDelete("/{name}", DeleteAsync)
            .WithName("DeleteToken")
            .WithSummary("Deletes (revokes) a token; it stops working at once.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> ListAsync(IApiTokenStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<ApiToken> tokens = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(tokens.Select(TokenResponse.From).ToList());
    }

    private static async Task<IResult> CreateAsync(
        CreateTokenRequest request,
        HttpContext http,
        ApiTokenGenerator generator,
        IAccountAdministration store,
        AuditRecorder recorder,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.Name) || request.Name.Length > MaxNameLength || !NamePattern().IsMatch(request.Name))
        {
            errors["name"] = [$"A name of 1 to {MaxNameLength} letters, digits, '.', '_' or '-' is required."];
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = [$"One of {string.Join(", ", Enum.GetNames<Role>())} is required."];
        }

        if (request.ExpiresAt <= now)
        {
            errors["expiresAt"] = ["The expiry must be in the future; leave it out for a token that does not expire."];
        }

        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        // A token acts for an account, so that it stops working with that account; one without an account cannot pass one on.
        if (http.User.OwningAccount() is not { } owner)
        {
            return TypedResults.Problem(
                "This API token belongs to no account, so the tokens it created would not either. Create tokens signed in as an account.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden");
        }

        NewApiToken created = generator.Generate(request.Name!, request.Role!.Value, request.ExpiresAt, owner);
        AuditEvent auditEvent = http.AuditBy(now, AuditActions.TokenCreated) with
        {
            Target = "token:" + created.Token.Name,
            Details = (created.Token.ExpiresAt is { } expires ? $"Role {created.Token.Role}, expires {expires:O}" : $"Role {created.Token.Role}, no expiry")
                + $", for account {owner}.",
        };
        if (await store.CreateTokenAsync(created.Token, auditEvent, cancellationToken).ConfigureAwait(false) == AdministrationOutcome.NameTaken)
        {
            return AdminProblems.Conflict($"A token named '{created.Token.Name}' exists; delete it first or choose another name.");
        }

        recorder.Committed(auditEvent);
        ApiToken token = created.Token;
        return TypedResults.Created(
            $"{AdminApi.Prefix}/tokens/{Uri.EscapeDataString(token.Name)}",
            new CreatedTokenResponse(token.Name, token.Role, token.CreatedAt, token.ExpiresAt, token.Owner, created.Secret));
    }

    private static async Task<IResult> DeleteAsync(
        string name, HttpContext http, IAccountAdministration store, AuditRecorder recorder, TimeProvider time, CancellationToken cancellationToken)
    {
        AuditEvent auditEvent = http.AuditBy(time.GetUtcNow(), AuditActions.TokenDeleted) with { Target = "token:" + name };
        if (await store.DeleteTokenAsync(name, auditEvent, cancellationToken).ConfigureAwait(false) != AdministrationOutcome.Done)
        {
            return AdminProblems.NotFound($"Token '{name}'");
        }

        recorder.Committed(auditEvent);
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <param name="ExpiresAt">When the token stops working; leave out for never.</param>
internal sealed record CreateTokenRequest(string? Name, Role? Role, DateTimeOffset? ExpiresAt);

/// <summary>An API token as listed: everything but its secret, which is shown once at creation only.</summary>
/// <param name="Owner">The account the token acts for; it stops working when that account is deleted or disabled. Null for tokens from before owners were recorded.</param>
internal sealed record TokenResponse(string Name, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? Owner)
{
    public static TokenResponse From(ApiToken token) => new(token.Name, token.Role, token.CreatedAt, token.ExpiresAt, token.Owner);
}

/// <param name="Owner">The account the token acts for: the caller's, or that of the caller's token.</param>
/// <param name="Secret">Send as <c>Authorization: Bearer &lt;secret&gt;</c>. Shown only in this answer; it cannot be recovered.</param>
internal sealed record CreatedTokenResponse(string Name, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? Owner, string Secret);
