using System.Net.Http.Headers;
using System.Text;

namespace CertBroker.Server.Tests.Support;

/// <summary>
/// The broker with its default profile on Manual approval and the first Administrator bootstrapped from
/// <c>CertBroker:Admin:BootstrapPassword</c>, the way the README's contract describes it.
/// </summary>
public sealed class ApprovalBrokerFactory : IAsyncLifetime
{
    public const string AdminPassword = "Approval-Test-Pa55!";

    public ApprovalBrokerFactory()
    {
        Broker.Settings["CertBroker:Profiles:default:Approval"] = "Manual";
        Broker.Settings["CertBroker:Admin:BootstrapPassword"] = AdminPassword;
    }

    public BrokerFactory Broker { get; } = new();

    /// <summary>A client signed in as <c>admin</c> by HTTP Basic.</summary>
    public HttpClient CreateAdminClient()
    {
        HttpClient client = Broker.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminPassword)));
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Broker.DisposeAsync().AsTask();
}
