namespace CertBroker.Server.Tests.Support;

/// <summary>
/// The broker with its default profile on Manual approval; the first Administrator is bootstrapped from
/// <c>CertBroker:Admin:BootstrapPassword</c> (<see cref="BrokerFactory.AdminPassword"/>), as the README's contract says.
/// </summary>
public sealed class ApprovalBrokerFactory : IAsyncLifetime
{
    public ApprovalBrokerFactory()
    {
        Broker.Settings["CertBroker:Profiles:default:Approval"] = "Manual";
    }

    public BrokerFactory Broker { get; } = new();

    /// <summary>A client signed in as <c>admin</c> by HTTP Basic.</summary>
    public HttpClient CreateAdminClient()
    {
        HttpClient client = Broker.CreateClient();
        client.DefaultRequestHeaders.Authorization = AdminHttp.Admin;
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Broker.DisposeAsync().AsTask();
}
