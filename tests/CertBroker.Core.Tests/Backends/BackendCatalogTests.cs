using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Backends;

/// <summary>Which CA answers a profile, decided in one place by the profile's Backend kind.</summary>
public sealed class BackendCatalogTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task For_EmbeddedProfiles_ShareTheEmbeddedCaWithItsCrlAndIdentity()
    {
        await using ScepHarness scep = await ScepHarness.CreateAsync(ca);

        ICaBackend backend = scep.Backends.For(scep.Profile);

        Assert.Same(backend, scep.Backends.For(ScepHarness.NewProfile("printers")));
        Assert.IsAssignableFrom<ICrlSource>(backend);
        Assert.Equal(scep.CaCertificate, backend.Identity!.CaChain[0]);
    }

    [Fact]
    public void Constructor_ConfiguredKindWithoutProvider_RefusesToStartAndNamesTheProfile()
    {
        var profiles = new ProfileCatalog(Options.Create(new BrokerOptions
        {
            Profiles = { ["routers"] = new ProfileOptions { Backend = ProfileBackend.Ndes, ChallengePassword = "x" } },
        }));

        var problem = Assert.Throws<InvalidOperationException>(() => new BackendCatalog(profiles, []));

        Assert.Contains("routers", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Ndes", problem.Message, StringComparison.Ordinal);
    }
}
