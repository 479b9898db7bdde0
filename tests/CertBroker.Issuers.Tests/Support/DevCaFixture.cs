using CertBroker.Issuers.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Tests.Support;

/// <summary>One generated dev CA shared by the tests of a class (RSA key generation is the slow part).</summary>
public sealed class DevCaFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    internal FakeTimeProvider Time { get; } = TestClock.StartingNow();

    public string DataDirectory => directory.Path;

    public CaKeyMaterial Material { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var provider = new KeyMaterialProvider(
            Options.Create(new EmbeddedCaOptions()),
            directory.Path,
            Time,
            NullLogger<KeyMaterialProvider>.Instance);
        Material = await provider.LoadOrCreateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Material.Dispose();
        directory.Dispose();
        return Task.CompletedTask;
    }
}
