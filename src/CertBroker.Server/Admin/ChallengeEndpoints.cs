using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Challenges;
using CertBroker.Core.Profiles;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>POST /api/v1/challenges</c> (<see cref="Permission.IssueChallenges"/>): a one-time password for a profile,
/// optionally bound to one device. When the profile's cap of outstanding passwords is reached the answer is 409:
/// the cap is a state an admin has to look at (passwords must be used or expire), not a rate a client should
/// retry against, which 429 would suggest to HTTP clients and proxies.
/// </summary>
internal static class ChallengeEndpoints
{
    public const int MaxLifetimeMinutes = 10080;

    public static RouteGroupBuilder MapChallengeEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/challenges", IssueAsync)
            .WithName("IssueChallenge")
            .WithSummary("A one-time challenge password for a profile with Challenge=OneTime, optionally bound to one device.")
            .Produces<ChallengeResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permission.IssueChallenges);
        return api;
    }

    private static async Task<IResult> IssueAsync(
        ChallengeBody? body, HttpContext http, ProfileCatalog profiles, OneTimeChallengeIssuer issuer, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        string profileName = string.IsNullOrWhiteSpace(body?.Profile) ? BrokerOptions.DefaultProfileName : body.Profile.Trim();
        ScepProfile? profile = profiles.Find(profileName);
        if (profile is null)
        {
            errors["profile"] = [$"There is no profile '{profileName}'."];
        }
        else if (profile.Options.Challenge != ChallengeMode.OneTime)
        {
            errors["profile"] = [$"Profile '{profile.Name}' uses Challenge={profile.Options.Challenge}, not OneTime."];
        }

        if (body?.LifetimeMinutes is < 1 or > MaxLifetimeMinutes)
        {
            errors["lifetimeMinutes"] = [$"A whole number from 1 to {MaxLifetimeMinutes}."];
        }

        ChallengeBinding? binding = Binding(body?.Binding, errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        ChallengeIssue issue;
        try
        {
            issue = await issuer.IssueAsync(profile!, binding, body?.LifetimeMinutes, http.AuditBy(time.GetUtcNow(), ""), cancellationToken);
        }
        catch (Core.Backends.UpstreamChallengeException ex)
        {
            return NdesAdminPage.UpstreamChallengeProblem(ex);
        }

        if (issue.CapReached)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The profile has as many unused one-time passwords as it may.",
                detail: $"Profile '{profile!.Name}' has {profile.Options.MaxOutstandingChallenges} unused, unexpired passwords (MaxOutstandingChallenges). Use them or wait for them to expire.");
        }

        return Results.Ok(new ChallengeResponse(issue.Password!, issue.ExpiresAt));
    }

    private static ChallengeBinding? Binding(Dictionary<string, JsonElement>? given, Dictionary<string, string[]> errors)
    {
        if (given is null || given.Count == 0)
        {
            return null;
        }

        if (given.Count > 1)
        {
            errors["binding"] = ["Bind to one of commonName, san, macAddress or serialNumber, not several."];
            return null;
        }

        (string name, JsonElement value) = given.First();
        if (!Enum.TryParse(name, ignoreCase: true, out ChallengeBindingKind kind) || int.TryParse(name, out _))
        {
            errors["binding"] = [$"'{name}' is not one of commonName, san, macAddress or serialNumber."];
            return null;
        }

        ChallengeBinding? binding = ChallengeBinding.Create(kind, value.ValueKind == JsonValueKind.String ? value.GetString() : null, out string? problem);
        if (binding is null)
        {
            errors["binding." + name] = [problem!];
        }

        return binding;
    }
}

internal sealed record ChallengeBody(string? Profile, Dictionary<string, JsonElement>? Binding, int? LifetimeMinutes);

internal sealed record ChallengeResponse(string Password, DateTimeOffset ExpiresAt);
