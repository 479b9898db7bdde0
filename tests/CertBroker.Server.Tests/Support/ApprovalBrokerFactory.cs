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
        // Names the profile refuses are left out, so the queue shows what would be issued and what not.
        Broker.Settings["CertBroker:Profiles:default:Names:OnViolation"] = "Drop";
        Broker.Settings["CertBroker:Profiles:default:Names:DnsSuffixes:0"] = "example.net";
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
