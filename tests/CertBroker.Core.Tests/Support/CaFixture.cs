using CertBroker.Issuers.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Support;

/// <summary>
/// The embedded CA's development material (CA, signing RA, encryption RA), generated once per test class into a temp
/// data directory: RSA key generation is the slow part, and nothing a test does changes the material.
/// </summary>
public sealed class CaFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public CaKeyMaterial Material { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var provider = new KeyMaterialProvider(
            Options.Create(new EmbeddedCaOptions()),
            _directory.Path,
            TimeProvider.System,
            NullLogger<KeyMaterialProvider>.Instance);
        Material = await provider.LoadOrCreateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Material.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
