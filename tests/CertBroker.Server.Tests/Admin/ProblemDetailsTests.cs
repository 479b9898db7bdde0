using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Every error under /api/v1 is an RFC 9457 problem, also when no endpoint was reached.</summary>
public sealed class ProblemDetailsTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task UnknownAdminRoute_Returns404Problem()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/no-such-thing", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(response, 404);
    }

    [Fact]
    public async Task WrongMethod_Returns405Problem()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Delete, "/api/v1/me", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(response, 405);
    }

    [Fact]
    public async Task UnhandledException_Returns500ProblemWithoutInternals()
    {
        await using WebApplicationFactory<Program> broken = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IAccountAdministration, FailingAdministration>()));
        using HttpClient client = broken.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "ci", role = "Monitoring" });

        await AdminHttp.AssertProblemAsync(response, 500);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FailingAdministration.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(FailingAdministration), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScepPaths_KeepTheirPlainAnswers()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/scep/no-such-profile?operation=GetCACaps");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    /// <summary>A store whose every write fails the way a broken disk would, with details that must not reach the client.</summary>
    private sealed class FailingAdministration : IAccountAdministration
    {
        public const string Secret = "/var/lib/certbroker/certbroker.db: disk I/O error";

        public Task<IReadOnlyList<AdminAccount>> ListAccountsAsync(CancellationToken cancellationToken) => throw Fail();

        public Task<AdministrationOutcome> CreateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken) => throw Fail();

        public Task<AdministrationOutcome> UpdateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken) => throw Fail();

        public Task<AdministrationOutcome> DeleteAccountAsync(string userName, AuditEvent auditEvent, CancellationToken cancellationToken) => throw Fail();

        public Task<AdministrationOutcome> CreateTokenAsync(ApiToken token, AuditEvent auditEvent, CancellationToken cancellationToken) => throw Fail();

        public Task<AdministrationOutcome> DeleteTokenAsync(string name, AuditEvent auditEvent, CancellationToken cancellationToken) => throw Fail();

        private static IOException Fail() => new(Secret);
    }
}
