using System.Security.Cryptography.X509Certificates;
using CertBroker.Interop.Tests.Harness;
using CertBroker.LoadGen;

namespace CertBroker.Interop.Tests;

/// <summary>
/// certbroker-loadgen's runner, in process, against the real server: a small run every time the tests run, so the
/// tool used for capacity figures keeps working as the server changes.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class LoadGenSmokeTests(ITestOutputHelper output)
{
    private const int Requests = 20;

    [Fact]
    public async Task Run_TwentyFullyVerifiedRequests_AllIssuedWithDistinctSerialsChainingToTheCa()
    {
        await using ServerProcess server = await ServerProcess.StartCertBrokerAsync(ServerFixture.Challenge);
        var options = new LoadOptions
        {
            Url = new Uri(server.Url("/scep")),
            Challenge = ServerFixture.Challenge,
            Count = Requests,
            Concurrency = 4,
            VerifySample = 1,
            Warmup = 0,
            KeyPool = 4,

            // The harness keeps the server's PID to itself; this process stands in so the /proc reading runs too.
            ServerPid = Environment.ProcessId,
        };
        using var log = new StringWriter();
        LoadResult result = await new LoadRunner(options, log).RunAsync(CancellationToken.None);
        ReportWriter.WriteText(result, log);
        output.WriteLine(log.ToString());

        Assert.True(result.Passed, $"{log}\n{server.Output[^Math.Min(server.Output.Length, 6000)..]}");
        Assert.Empty(result.Errors);
        Assert.Equal(Requests, result.Enrolments);
        Assert.Equal(Requests, result.DistinctSerials);
        Assert.Equal(Requests, result.FullyVerified);
        Assert.NotNull(result.ServerCpu?.MsPerEnrolment);

        // Checked again here, independently of the runner's own verification.
        CaCertificates ca = await CaCertificates.FetchAsync(server.Url("/scep"));
        Assert.Equal(Requests, result.IssuedCertificates.Count);
        foreach (byte[] der in result.IssuedCertificates)
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(ca.Root);
            chain.ChainPolicy.ExtraStore.AddRange(ca.Intermediates.ToArray());
            Assert.True(
                chain.Build(certificate),
                $"{certificate.Subject} serial {certificate.SerialNumber}: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation))}");
            Assert.StartsWith("CN=loadgen-", certificate.Subject, StringComparison.Ordinal);
        }
    }
}
