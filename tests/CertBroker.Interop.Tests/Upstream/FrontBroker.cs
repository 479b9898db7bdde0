using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// The broker in front of an upstream SCEP CA: profile <see cref="Profile"/> with <c>Backend=Ndes</c>, served on the
/// NDES device paths, so devices keep the URL they had for NDES. The default profile stays on the embedded CA.
/// </summary>
public static class FrontBroker
{
    public const string Profile = "ndes";

    /// <summary>The path devices already use for NDES; the front serves <see cref="Profile"/> there.</summary>
    public const string DevicePath = "/certsrv/mscep/mscep.dll";

    public const string AdminUser = "admin";
    public const string AdminPassword = "Front-Broker-Adm1n!";

    /// <summary>The default profile's (embedded CA) challenge; the devices in these tests never use it.</summary>
    public const string EmbeddedChallenge = "front-embedded-only";

    /// <summary>
    /// Retry and poll timing short enough for a test to watch an outage end and an approval arrive: a request the
    /// upstream answered PENDING is polled every 5 s (the shortest allowed), and one that could not be sent is retried
    /// after 1 s, doubling up to 4 s, for far longer than any test runs.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FastTiming { get; } =
    [
        new($"CertBroker:Profiles:{Profile}:Ndes:PollIntervalSeconds", "5"),
        new($"CertBroker:Profiles:{Profile}:Ndes:RetryDelaySeconds", "1"),
        new($"CertBroker:Profiles:{Profile}:Ndes:MaxRetryDelaySeconds", "4"),
        new($"CertBroker:Profiles:{Profile}:Ndes:MaxAttempts", "1000"),
        new($"CertBroker:Profiles:{Profile}:Ndes:TimeoutSeconds", "10"),
    ];

    /// <summary>
    /// Starts the front broker with <paramref name="ndes"/> (the <c>Ndes:*</c> keys and any profile settings) on
    /// top of the Ndes backend, the NDES paths and a bootstrapped Administrator.
    /// </summary>
    public static Task<ServerProcess> StartAsync(IEnumerable<KeyValuePair<string, string>> ndes) =>
        ServerProcess.StartCertBrokerAsync(EmbeddedChallenge,
        [
            new($"CertBroker:Profiles:{Profile}:Backend", "Ndes"),
            new($"CertBroker:PathProfiles:{DevicePath}", Profile),
            new($"CertBroker:PathProfiles:{DevicePath}/pkiclient.exe", Profile),
            new("CertBroker:Admin:BootstrapPassword", AdminPassword),
            new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
            .. FastTiming,
            .. ndes,
        ]);

    /// <summary>
    /// <see cref="StartAsync"/>, then <paramref name="then"/> on the running front (waiting until it is ready, say);
    /// if that fails the front is stopped before the exception goes on.
    /// </summary>
    public static async Task<ServerProcess> StartThenAsync(IEnumerable<KeyValuePair<string, string>> ndes, Func<ServerProcess, Task> then)
    {
        var front = await StartAsync(ndes);
        try
        {
            await then(front);
            return front;
        }
        catch
        {
            await front.DisposeAsync();
            throw;
        }
    }

    public static AdminApiClient NewAdminClient(ServerProcess front) => new(front.BaseAddress, AdminUser, AdminPassword);

    /// <summary>
    /// Waits until the front's Ndes profile answers GetCACert on the device path: it has the upstream's CA chain and
    /// its own RA certificate. <paramref name="whileWaiting"/> runs between probes (e.g. to approve the broker's own
    /// RA request at an upstream that queues every request).
    /// </summary>
    public static async Task<CaCertificates> WaitUntilReadyAsync(ServerProcess front, Func<Task>? whileWaiting, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                return await CaCertificates.FetchAsync(front.Url(DevicePath));
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                last = e;
            }

            if (whileWaiting is not null)
            {
                await whileWaiting();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new InvalidOperationException(
            $"The front broker's profile '{Profile}' did not answer GetCACert within {timeout.TotalSeconds:F0} s: {last?.Message}\n{front.Output}");
    }
}
