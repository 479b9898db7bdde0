using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>
/// One broker for a test class, with the profiles the inventory and challenge tests use besides <c>default</c>
/// (static challenge): <c>mfd</c> with one-time passwords, <c>capped</c> and <c>capped-page</c> allowing one outstanding password each, and <c>queued</c> with manual approval.
/// </summary>
public sealed class InventoryBroker : IAsyncLifetime
{
    public BrokerFactory Factory { get; } = new();

    public IServiceProvider Services => Factory.Services;

    public Task InitializeAsync()
    {
        Factory.Settings["CertBroker:Profiles:mfd:Challenge"] = "OneTime";
        Factory.Settings["CertBroker:Profiles:capped:Challenge"] = "OneTime";
        Factory.Settings["CertBroker:Profiles:capped:MaxOutstandingChallenges"] = "1";
        Factory.Settings["CertBroker:Profiles:capped-page:Challenge"] = "OneTime";
        Factory.Settings["CertBroker:Profiles:capped-page:MaxOutstandingChallenges"] = "1";
        Factory.Settings["CertBroker:Profiles:queued:Approval"] = "Manual";
        Factory.Settings["CertBroker:Profiles:queued:ChallengePassword"] = BrokerFactory.Challenge;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
