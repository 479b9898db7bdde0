using System.Diagnostics;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Clients;

/// <summary>A tracking request as <c>getcert list</c> shows it.</summary>
/// <param name="Status">certmonger's state: MONITORING once issued, CA_REJECTED, CA_UNREACHABLE, CA_WORKING (pending), NEED_GUIDANCE...</param>
/// <param name="CaError">The error certmonger recorded from the SCEP helper, if any.</param>
public sealed record CertmongerRequestState(string Status, string? CaError, bool Stuck, string Listing);

/// <summary>What one getcert command did and where the request stands afterwards.</summary>
public sealed record CertmongerRun(ProcessResult Process, CertmongerRequestState State, string CertificateFile, string KeyFile)
{
    public bool Issued => Process.ExitCode == 0 && State.Status == "MONITORING" && File.Exists(CertificateFile);

    public string Describe() => $"{Process.Describe()}\n--- getcert list ---\n{State.Listing}";
}

/// <summary>
/// A private certmonger: its own D-Bus session bus and its own CERTMONGER_* directories in a temp folder,
/// so several run side by side and none touches the machine's certmonger. Dispose to stop both daemons.
/// </summary>
public sealed class CertmongerDriver : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory;
    private readonly ExternalProcess _bus;
    private readonly ExternalProcess _daemon;
    private readonly Dictionary<string, string> _environment;

    private CertmongerDriver(TempDirectory directory, ExternalProcess bus, ExternalProcess daemon, Dictionary<string, string> environment)
    {
        _directory = directory;
        _bus = bus;
        _daemon = daemon;
        _environment = environment;
    }

    public string Directory => _directory.Path;

    /// <summary>certmonger's own debug log (<c>-d 2</c>): submissions, helper exit codes and output.</summary>
    public string DaemonLog => _daemon.StandardError + _daemon.StandardOutput;

    public static async Task<CertmongerDriver> StartAsync(CancellationToken cancellationToken = default)
    {
        var directory = TempDirectory.Create("certmonger");
        ExternalProcess? bus = null;
        try
        {
            var busAddress = $"unix:path={directory.File("bus")}";

            // A bus without service activation: the stock session configuration would let an early getcert call
            // D-Bus-activate a second certmonger that uses the user's default directories instead of ours.
            var busConfig = directory.File("bus.conf");
            File.WriteAllText(busConfig, $"""
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>{busAddress}</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """);
            bus = ExternalProcess.Start("dbus-daemon", [$"--config-file={busConfig}", "--nofork", "--nopidfile", "--nosyslog", "--print-address=1"], directory.Path);
            await WaitForAsync(() => Task.FromResult(bus.StandardOutput.Contains("unix:", StringComparison.Ordinal)), bus, "dbus-daemon to listen", cancellationToken);

            var environment = new Dictionary<string, string>
            {
                ["DBUS_SESSION_BUS_ADDRESS"] = busAddress,
                ["CERTMONGER_CONFIG_DIR"] = directory.Path,
                ["CERTMONGER_REQUESTS_DIR"] = directory.Sub("requests"),
                ["CERTMONGER_CAS_DIR"] = directory.Sub("cas"),
                ["CERTMONGER_TMPDIR"] = directory.Sub("tmp"),
            };
            var daemon = ExternalProcess.Start("certmonger", ["-s", "-n", "-d", "2"], directory.Path, environment);
            var driver = new CertmongerDriver(directory, bus, daemon, environment);
            try
            {
                await driver.WaitUntilAnsweringAsync(cancellationToken);
                return driver;
            }
            catch
            {
                await driver.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (bus is not null && !bus.HasExited)
            {
                await bus.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }

    /// <summary><c>getcert add-scep-ca -c NAME -u URL</c>.</summary>
    public async Task AddScepCaAsync(string name, string url, CancellationToken cancellationToken = default)
    {
        var result = await GetcertAsync(["add-scep-ca", "-s", "-c", name, "-u", url], CommandTimeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"getcert add-scep-ca failed\n{result.Describe()}\n{DaemonLog}");
        }
    }

    /// <summary>
    /// <c>getcert request -w</c> (<paramref name="names"/> adds naming options such as <c>-D host -E mail -K principal
    /// -A ip</c>): certmonger makes a key, fetches the CA certificates and capabilities, sends
    /// a PKCSReq and waits for the outcome. Exit codes: 0 issued, 2 CA_REJECTED, 3 CA_UNREACHABLE,
    /// 4 needs guidance, 5 CA_WORKING (pending).
    /// </summary>
    public async Task<CertmongerRun> RequestAsync(
        string caName,
        string requestId,
        string subject,
        string challenge,
        TimeSpan waitTimeout,
        CancellationToken cancellationToken = default,
        IReadOnlyList<string>? names = null)
    {
        var certificateFile = Path.Combine(Directory, $"{requestId}.cert.pem");
        var keyFile = Path.Combine(Directory, $"{requestId}.key.pem");
        var result = await GetcertWaitingAsync(
            ["request", "-s", "-c", caName, "-f", certificateFile, "-k", keyFile, "-N", subject, "-L", challenge, "-I", requestId, .. names ?? []],
            waitTimeout,
            cancellationToken);
        return new CertmongerRun(result, await ListAsync(requestId, cancellationToken), certificateFile, keyFile);
    }

    /// <summary>
    /// <c>getcert resubmit -w</c>: asks again for the same key. With a certificate already issued, certmonger 0.79
    /// sends a PKCSReq (not RenewalReq) signed with that certificate and its key, with the challenge again.
    /// </summary>
    public Task<CertmongerRun> ResubmitAsync(string requestId, TimeSpan waitTimeout, CancellationToken cancellationToken = default) =>
        RenewAsync("resubmit", requestId, waitTimeout, cancellationToken);

    /// <summary>
    /// <c>getcert rekey -w</c>: makes a new key (<c>KEY.XXXXXXXX.key</c> until issued) and sends a PKCSReq for it,
    /// signed with the current certificate and the old key.
    /// </summary>
    public Task<CertmongerRun> RekeyAsync(string requestId, TimeSpan waitTimeout, CancellationToken cancellationToken = default) =>
        RenewAsync("rekey", requestId, waitTimeout, cancellationToken);

    /// <summary><c>getcert list -i ID</c>, parsed.</summary>
    public async Task<CertmongerRequestState> ListAsync(string requestId, CancellationToken cancellationToken = default)
    {
        var result = await GetcertAsync(["list", "-s", "-i", requestId], CommandTimeout, cancellationToken);
        var fields = result.StandardOutput
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": ", StringComparison.Ordinal))
            .Select(l => (Name: l[..l.IndexOf(": ", StringComparison.Ordinal)], Value: l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .GroupBy(f => f.Name)
            .ToDictionary(g => g.Key, g => g.First().Value);
        return new CertmongerRequestState(
            fields.GetValueOrDefault("status", "(not listed)"),
            fields.GetValueOrDefault("ca-error"),
            fields.GetValueOrDefault("stuck") == "yes",
            result.StandardOutput + result.StandardError);
    }

    /// <summary><c>getcert list-cas -c NAME</c>: the CA certificates and capabilities certmonger fetched, for failure messages.</summary>
    public async Task<string> ListCaAsync(string caName, CancellationToken cancellationToken = default)
    {
        var result = await GetcertAsync(["list-cas", "-s", "-c", caName], CommandTimeout, cancellationToken);
        return result.StandardOutput + result.StandardError;
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _bus.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<CertmongerRun> RenewAsync(string command, string requestId, TimeSpan waitTimeout, CancellationToken cancellationToken)
    {
        var result = await GetcertWaitingAsync([command, "-s", "-i", requestId], waitTimeout, cancellationToken);
        return new CertmongerRun(
            result,
            await ListAsync(requestId, cancellationToken),
            Path.Combine(Directory, $"{requestId}.cert.pem"),
            Path.Combine(Directory, $"{requestId}.key.pem"));
    }

    private Task<ProcessResult> GetcertWaitingAsync(IEnumerable<string> arguments, TimeSpan waitTimeout, CancellationToken cancellationToken)
    {
        var seconds = ((int)Math.Ceiling(waitTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return GetcertAsync(arguments.Concat(["-w", "--wait-timeout", seconds]), waitTimeout + CommandTimeout, cancellationToken);
    }

    private Task<ProcessResult> GetcertAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        ExternalProcess.RunAsync("getcert", arguments, timeout, Directory, _environment, cancellationToken);

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        ProcessResult? last = null;
        await WaitForAsync(
            async () =>
            {
                last = await GetcertAsync(["list", "-s"], CommandTimeout, cancellationToken);
                return last.Succeeded;
            },
            _daemon,
            "certmonger to answer on its session bus",
            cancellationToken,
            () => last?.Describe() ?? "");
    }

    private static async Task WaitForAsync(
        Func<Task<bool>> ready,
        ExternalProcess process,
        string what,
        CancellationToken cancellationToken,
        Func<string>? detail = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await ready())
        {
            if (process.HasExited || clock.Elapsed > CommandTimeout)
            {
                throw new InvalidOperationException(
                    $"Gave up waiting for {what}: {(process.HasExited ? "it exited" : "timed out")}\n{process.CommandLine}\n{process.StandardOutput}\n{process.StandardError}\n{detail?.Invoke()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
