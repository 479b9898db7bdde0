using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Admin;

/// <summary>
/// Admin accounts (<see cref="Permission.ManageAccounts"/>): list, create, change role, disable and enable, unlock,
/// reset the password, delete. Every change is audited in the same transaction; none may leave the broker without an
/// enabled Administrator.
/// </summary>
internal static class AccountEndpoints
{
    // A change re-reads and retries after a concurrent write, usually a sign-in counting a failure.
    private const int MaxAttempts = 3;

    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder accounts = api.MapGroup("/accounts").RequirePermission(Permission.ManageAccounts).WithTags("Accounts");
        accounts.MapGet("/", ListAsync).WithName("ListAccounts").WithSummary("Every admin account.")
            .Produces<IReadOnlyList<AccountResponse>>();
        accounts.MapGet("/{userName}", GetAsync).WithName("GetAccount").WithSummary("One admin account.")
            .Produces<AccountResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        accounts.MapPost("/", CreateAsync).WithName("CreateAccount")
            .WithSummary("Creates an account; the password must meet the password policy.")
            .Accepts<CreateAccountRequest>("application/json")
            .Produces<AccountResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapPatch("/{userName}", ChangeAsync).WithName("ChangeAccount")
            .WithSummary("Changes the role, or disables or enables the account.")
            .Accepts<ChangeAccountRequest>("application/json")
            .Produces<AccountResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapPost("/{userName}/unlock", UnlockAsync).WithName("UnlockAccount")
            .WithSummary("Lifts a lockout and forgets failed sign-ins.")
            .Produces<AccountResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        accounts.MapPost("/{userName}/password", ResetPasswordAsync).WithName("ResetAccountPassword")
            .WithSummary("Sets a new password the user must change at next sign-in; lifts any lockout.")
            .Accepts<ResetPasswordRequest>("application/json")
            .Produces<AccountResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        accounts.MapDelete("/{userName}", DeleteAsync).WithName("DeleteAccount")
            .WithSummary("Deletes an account and its API tokens; never the last enabled Administrator.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<IResult> ListAsync(IAccountAdministration store, PasswordPolicy policy, SignInLockout lockout, CancellationToken cancellationToken)
    {
        IReadOnlyList<AdminAccount> accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var responses = new List<AccountResponse>(accounts.Count);
        foreach (AdminAccount account in accounts)
        {
            responses.Add(await AccountResponse.FromAsync(account, policy, lockout, cancellationToken).ConfigureAwait(false));
        }

        return TypedResults.Ok(responses);
    }

    private static async Task<IResult> GetAsync(string userName, IAccountStore store, PasswordPolicy policy, SignInLockout lockout, CancellationToken cancellationToken)
    {
        AdminAccount? account = await store.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        return account is null
            ? AdminProblems.NotFound($"Account '{userName}'")
            : TypedResults.Ok(await AccountResponse.FromAsync(account, policy, lockout, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IResult> CreateAsync(
        CreateAccountRequest request, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        IReadOnlyList<PasswordViolation> violations = [];
        if (UserNames.Problem(request.UserName) is { } userNameProblem)
        {
            errors["userName"] = [userNameProblem];
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = [$"One of {string.Join(", ", Enum.GetNames<Role>())} is required."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["A password is required."];
        }
        else if ((violations = services.Policy.Evaluate(request.Password)).Count > 0)
        {
            errors["password"] = [.. violations.Select(v => v.Message)];
        }

        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors, violations);
        }

        DateTimeOffset now = services.Time.GetUtcNow();
        var account = new AdminAccount
        {
            UserName = request.UserName!,
            Role = request.Role!.Value,
            PasswordHash = services.Hasher.Hash(request.Password!),
            PasswordSetAt = now,
            MustChangePassword = request.MustChangePassword ?? true,
        };
        AuditEvent auditEvent = http.AuditBy(now, AuditActions.AccountCreated) with
        {
            Target = account.UserName,
            Details = $"Role {account.Role}.",
        };
        if (await services.Store.CreateAccountAsync(account, auditEvent, cancellationToken).ConfigureAwait(false) == AdministrationOutcome.NameTaken)
        {
            return AdminProblems.Conflict($"The user name '{account.UserName}' is taken.");
        }

        services.Recorder.Committed(auditEvent);
        return TypedResults.Created($"{AdminApi.Prefix}/accounts/{Uri.EscapeDataString(account.UserName)}", await services.DescribeAsync(account, cancellationToken).ConfigureAwait(false));
    }

    private static Task<IResult> ChangeAsync(
        string userName, ChangeAccountRequest request, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        if (request.Role is { } role && !Enum.IsDefined(role))
        {
            return Task.FromResult(AdminProblems.Invalid("role", $"One of {string.Join(", ", Enum.GetNames<Role>())}."));
        }

        return UpdateAsync(userName, http, services, AuditActions.AccountChanged, account =>
        {
            AdminAccount changed = account with { Role = request.Role ?? account.Role, Disabled = request.Disabled ?? account.Disabled };
            var details = new List<string>();
            if (changed.Role != account.Role)
            {
                details.Add($"Role {account.Role} -> {changed.Role}.");
            }

            if (changed.Disabled != account.Disabled)
            {
                details.Add(changed.Disabled ? "Disabled." : "Enabled.");
            }

            return (changed, details.Count == 0 ? "No change." : string.Join(" ", details));
        }, cancellationToken);
    }

    private static async Task<IResult> UnlockAsync(string userName, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        // Lockouts are counted per source in the failure counts; the account's own lockout fields are only cleared
        // for rows an older version wrote.
        SignInLockoutStatus status = await services.Lockout.StatusAsync(userName, cancellationToken).ConfigureAwait(false);
        await services.Lockout.ClearAsync(userName, cancellationToken).ConfigureAwait(false);
        return await UpdateAsync(userName, http, services, AuditActions.AccountUnlocked,
            account => (account.WithLockout(LockoutState.Clear),
                $"Failed sign-ins forgotten ({status.RecentFailures}); lockout lifted for {status.LockedSources} source(s)."),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> ResetPasswordAsync(
        string userName, ResetPasswordRequest request, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Password))
        {
            return AdminProblems.Invalid("password", "A password is required.");
        }

        if (services.Policy.Evaluate(request.Password) is { Count: > 0 } violations)
        {
            return AdminProblems.PasswordRejected("password", violations);
        }

        // Hashed once, outside the retry loop: the derivation is the slow part.
        string hash = services.Hasher.Hash(request.Password);
        await services.Lockout.ClearAsync(userName, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = services.Time.GetUtcNow();
        return await UpdateAsync(userName, http, services, AuditActions.PasswordChanged, account =>
            (account.WithLockout(LockoutState.Clear) with
            {
                PasswordHash = hash,
                PasswordSetAt = now,
                IsBootstrapPassword = false,
                MustChangePassword = true,
            }, "Password reset by an administrator; to be changed at next sign-in."), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> DeleteAsync(string userName, HttpContext http, AccountServices services, CancellationToken cancellationToken)
    {
        AuditEvent auditEvent = http.AuditBy(services.Time.GetUtcNow(), AuditActions.AccountDeleted) with
        {
            Target = userName,
            Details = "Its API tokens were deleted with it.",
        };
        switch (await services.Store.DeleteAccountAsync(userName, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            case AdministrationOutcome.Done:
                services.Recorder.Committed(auditEvent);
                return TypedResults.NoContent();
            case AdministrationOutcome.LastAdministrator:
                return AdminProblems.LastAdministrator();
            default:
                return AdminProblems.NotFound($"Account '{userName}'");
        }
    }

    /// <summary>Reads the account, applies <paramref name="change"/> and stores it with its audit event, retrying after concurrent writes.</summary>
    internal static async Task<IResult> UpdateAsync(
        string userName,
        HttpContext http,
        AccountServices services,
        string action,
        Func<AdminAccount, (AdminAccount Changed, string Details)> change,
        CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            AdminAccount? account = await services.Accounts.FindAsync(userName, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return AdminProblems.NotFound($"Account '{userName}'");
            }

            (AdminAccount changed, string details) = change(account);
            AuditEvent auditEvent = http.AuditBy(services.Time.GetUtcNow(), action) with { Target = account.UserName, Details = details };
            switch (await services.Store.UpdateAccountAsync(changed, auditEvent, cancellationToken).ConfigureAwait(false))
            {
                case AdministrationOutcome.Done:
                    services.Recorder.Committed(auditEvent);
                    return TypedResults.Ok(await services.DescribeAsync(changed, cancellationToken).ConfigureAwait(false));
                case AdministrationOutcome.LastAdministrator:
                    return AdminProblems.LastAdministrator();
                case AdministrationOutcome.Conflict:
                    continue;
            }
        }

        return AdminProblems.Conflict($"Account '{userName}' kept changing while this change was being made; try again.");
    }
}

/// <summary>What the account endpoints use, resolved together so the handlers stay readable.</summary>
internal sealed class AccountServices(
    IAccountStore accounts,
    IAccountAdministration store,
    PasswordHasher hasher,
    PasswordPolicy policy,
    SignInLockout lockout,
    AuditRecorder recorder,
    TimeProvider time)
{
    public IAccountStore Accounts { get; } = accounts;

    public IAccountAdministration Store { get; } = store;

    public PasswordHasher Hasher { get; } = hasher;

    public PasswordPolicy Policy { get; } = policy;

    public SignInLockout Lockout { get; } = lockout;

    public AuditRecorder Recorder { get; } = recorder;

    public TimeProvider Time { get; } = time;

    public Task<AccountResponse> DescribeAsync(AdminAccount account, CancellationToken cancellationToken) =>
        AccountResponse.FromAsync(account, Policy, Lockout, cancellationToken);
}
