using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Support;

/// <summary>What an admin client does: credentials, tokens, problem bodies, and a look at the audit trail.</summary>
internal static class AdminHttp
{
    public const string ProblemType = "application/problem+json";

    public static AuthenticationHeaderValue Basic(string userName, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));

    public static AuthenticationHeaderValue Admin => Basic("admin", BrokerFactory.AdminPassword);

    public static AuthenticationHeaderValue Bearer(string secret) => new("Bearer", secret);

    /// <summary>
    /// Stores a new API token with <paramref name="role"/>, acting for <paramref name="owner"/> (the bootstrap
    /// Administrator by default), straight through the service's store and returns its secret.
    /// </summary>
    public static async Task<string> CreateTokenAsync(
        IServiceProvider services, Role role, string? name = null, DateTimeOffset? expiresAt = null, string owner = "admin")
    {
        NewApiToken token = services.GetRequiredService<ApiTokenGenerator>().Generate(name ?? $"test-{role}-{Guid.NewGuid():N}", role, expiresAt, owner);
        Assert.True(await services.GetRequiredService<IApiTokenStore>().CreateAsync(token.Token, CancellationToken.None));
        return token.Secret;
    }

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, AuthenticationHeaderValue? authorization, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Checks that <paramref name="response"/> is an RFC 9457 problem with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ProblemType, response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static Task<IReadOnlyList<StoredAuditEvent>> AuditAsync(IServiceProvider services, string action) =>
        services.GetRequiredService<IAuditTrail>().ListAsync(new AuditQuery { Action = action }, CancellationToken.None);
}
