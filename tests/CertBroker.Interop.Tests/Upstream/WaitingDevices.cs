using System.Diagnostics;
using System.Globalization;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>One scepclient device of a <see cref="WaitingDevices"/> fleet and how its run ended.</summary>
public sealed record DeviceOutcome(string CommonName, string CertificateFile, ProcessResult Result)
{
    public bool GotCertificate => Result.Succeeded && File.Exists(CertificateFile);
}

/// <summary>
/// A fleet of scepclient devices running side by side through the front broker, watched while they run: scepclient
/// prints <c>pkiStatus=PENDING</c> as soon as it is told PENDING, then re-sends every 30 s until it gets an answer.
/// Disposing kills any still running.
/// </summary>
public sealed class WaitingDevices : IAsyncDisposable
{
    private const string PendingLine = "pkiStatus=PENDING";

    private readonly List<(string CommonName, string Directory, ExternalProcess Process)> _devices;

    private WaitingDevices(List<(string CommonName, string Directory, ExternalProcess Process)> devices) => _devices = devices;

    /// <summary>Starts <paramref name="count"/> devices named <c>PREFIX1</c>, <c>PREFIX2</c>, ... with keys from the pool.</summary>
    public static async Task<WaitingDevices> StartAsync(UpstreamFixture fixture, string prefix, int count)
    {
        await fixture.Keys.PrepareAsync(count);
        var devices = new List<(string CommonName, string Directory, ExternalProcess Process)>();
        for (int i = 1; i <= count; i++)
        {
            string commonName = prefix + i.ToString(CultureInfo.InvariantCulture);
            string directory = fixture.NewWorkDirectory(commonName);
            await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
            devices.Add((commonName, directory, ExternalProcess.Start(
                "scepclient",
                [
                    "-server-url", fixture.DeviceUrl,
                    "-challenge", ServerFixture.Challenge,
                    "-private-key", Path.Combine(directory, "key.pem"),
                    "-certificate", Path.Combine(directory, "cert.pem"),
                    "-cn", commonName,
                    "-debug",
                ],
                directory)));
        }

        return new WaitingDevices(devices);
    }

    /// <summary>
    /// Waits until every device has been told PENDING, and asserts none stopped: a device that got FAILURE, or an HTTP
    /// error, would have exited.
    /// </summary>
    public async Task AssertAllWaitingAsync(UpstreamFixture fixture, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!_devices.All(d => d.Process.StandardError.Contains(PendingLine, StringComparison.Ordinal) || d.Process.HasExited))
        {
            Assert.True(clock.Elapsed < timeout, fixture.Evidence("Not every device was told PENDING\n" + Describe()));
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.True(_devices.All(d => !d.Process.HasExited), fixture.Evidence("A device stopped instead of waiting\n" + Describe()));
    }

    /// <summary>Waits for every device's scepclient to end, killing any still running after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<DeviceOutcome>> WaitAllAsync(TimeSpan timeout)
    {
        var outcomes = new List<DeviceOutcome>();
        foreach (var (commonName, directory, process) in _devices)
        {
            outcomes.Add(new DeviceOutcome(commonName, Path.Combine(directory, "cert.pem"), await process.WaitAsync(timeout)));
        }

        return outcomes;
    }

    public string Describe() =>
        string.Join('\n', _devices.Select(d => $"--- {d.CommonName} ({(d.Process.HasExited ? "exited" : "running")}) ---\n{d.Process.StandardError}{d.Process.StandardOutput}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.Process.DisposeAsync();
        }
    }
}
