using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>A fleet enrolling at once: every device gets its own certificate, and no two share a serial.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class ConcurrentEnrolmentTests(CertBrokerFixture fixture, ITestOutputHelper output) : IClassFixture<CertBrokerFixture>
{
    private const int Clients = 32;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Enrol_ThirtyTwoScepClientsAtOnce_AllSucceedWithDistinctSerials()
    {
        await fixture.Keys.PrepareAsync(Clients);
        var directories = new List<string>();
        for (var i = 0; i < Clients; i++)
        {
            var directory = fixture.NewWorkDirectory($"fleet-{i:D2}");
            await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
            directories.Add(directory);
        }

        var url = fixture.Server.Url("/scep");
        var runs = await Task.WhenAll(directories.Select((directory, i) =>
            ScepClientDriver.RunAsync(url, ServerFixture.Challenge, directory, $"fleet-device-{i:D2}", ClientTimeout)));

        var failures = runs.Where(r => !r.Process.Succeeded || !r.CertificateWritten).ToList();
        foreach (var failure in failures)
        {
            output.WriteLine(failure.Process.Describe());
        }

        Assert.True(
            failures.Count == 0,
            IssuedCertificate.Evidence(fixture, $"{failures.Count} of {Clients} clients got no certificate; first:\n{failures.FirstOrDefault()?.Process.Describe()}"));
        var facts = await Task.WhenAll(runs.Select(r => OpenSsl.ReadCertificateAsync(r.CertificateFile)));
        var duplicates = facts.GroupBy(f => f.Serial).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, $"Serials issued more than once: {string.Join(", ", duplicates)}");
        Assert.Equal(Clients, facts.Select(f => f.Subject).Distinct().Count());
        foreach (var run in runs)
        {
            await IssuedCertificate.AssertVerifiesAsync(fixture, "/scep", run.CertificateFile, run.Process.Describe());
        }
    }
}
