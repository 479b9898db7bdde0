using System.Net;
using CertBroker.Core.Storage;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>
/// The endpoints a load balancer polls: anonymous, short fixed answers, 503 when the database does not answer, and the
/// reason in the log only.
/// </summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Live_AndReady_OnAWorkingNode_Answer200WithoutCredentials()
    {
        await using var factory = new BrokerFactory();
        using HttpClient client = factory.CreateClient();

        using HttpResponseMessage live = await client.GetAsync("/health/live");
        using HttpResponseMessage ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("live", (await live.Content.ReadAsStringAsync()).Trim());
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"GET /health/ready answered {(int)ready.StatusCode}\n{ReadLogs(factory.DataDir)}");
        Assert.Equal("ready", (await ready.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Ready_DatabaseNotAnswering_Answers503AndLogsTheReasonOnly()
    {
        await using var factory = new BrokerFactory();
        await using WebApplicationFactory<Program> broken = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IStoreProbe, DeadDatabase>()));
        using HttpClient client = broken.CreateClient();

        using HttpResponseMessage ready = await client.GetAsync("/health/ready");
        using HttpResponseMessage live = await client.GetAsync("/health/live");
        string body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("not ready", body.Trim());
        Assert.DoesNotContain(DeadDatabase.Secret, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await broken.DisposeAsync();
        Assert.Contains(DeadDatabase.Secret, ReadLogs(factory.DataDir), StringComparison.Ordinal);
    }

    private static string ReadLogs(string dataDir) =>
        string.Concat(Directory.GetFiles(Path.Combine(dataDir, "logs")).Order().Select(File.ReadAllText));

    private sealed class DeadDatabase : IStoreProbe
    {
        public const string Secret = "connection refused by db-17.internal:5432";

        public Task ProbeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);
    }
}
