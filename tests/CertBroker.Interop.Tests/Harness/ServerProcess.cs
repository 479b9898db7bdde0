using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CertBroker.Interop.Tests.Harness;

public enum ServerKind
{
    /// <summary>The server under test, started from this build.</summary>
    CertBroker,

    /// <summary>micromdm's scepserver from Debian's scep package: a reference peer to validate the harness against.</summary>
    ScepServer,
}

/// <summary>
/// A SCEP server running as a real process on a free loopback port with a fresh data directory.
/// Start-up waits until <c>GET /scep?operation=GetCACaps</c> answers 200; disposing kills the process.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly TempDirectory _directory;
    private readonly int _port;
    private ExternalProcess _process;
    private Func<TempDirectory, int, Task<ExternalProcess>>? _launch;
    private List<string>? _extraArguments;
    private string _earlierOutput = "";

    private ServerProcess(ServerKind kind, ExternalProcess process, TempDirectory directory, int port, string challenge)
    {
        Kind = kind;
        _process = process;
        _directory = directory;
        _port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        Challenge = challenge;
    }

    public ServerKind Kind { get; }

    public Uri BaseAddress { get; }

    /// <summary>The challenge password the default profile accepts.</summary>
    public string Challenge { get; }

    public string DataDirectory => _directory.Path;

    /// <summary>Everything the server printed so far, for failure messages.</summary>
    public string Output => _earlierOutput + $"--- server stdout ---\n{_process.StandardOutput}\n--- server stderr ---\n{_process.StandardError}";

    /// <summary>The absolute URL of a SCEP path such as <c>/scep</c> or <c>/certsrv/mscep/mscep.dll</c>.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>
    /// Starts CertBroker from this build with its default profile accepting <paramref name="challenge"/>.
    /// <paramref name="settings"/> become extra <c>--Key=Value</c> configuration arguments.
    /// </summary>
    /// <param name="challenge">The default profile's static challenge password.</param>
    /// <param name="settings">Extra configuration.</param>
    /// <param name="prepareDataDirectory">Runs on the new data directory before the first start, e.g. to put another node's CA material there.</param>
    /// <param name="cancellationToken">Cancels the wait for readiness.</param>
    public static async Task<ServerProcess> StartCertBrokerAsync(
        string challenge,
        IEnumerable<KeyValuePair<string, string>>? settings = null,
        Action<string>? prepareDataDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var assembly = RepositoryLayout.CertBrokerServerAssembly;
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} does not exist: build the solution in {RepositoryLayout.Configuration} first.");
        }

        var extra = (settings ?? []).Select(s => $"--{s.Key}={s.Value}").ToList();
        // Every profile a test configures lets through what scepclient sends, unless the test sets its own name policy.
        List<string> profiles = [.. extra
            .Select(a => a.Split(':', '='))
            .Where(p => p.Length > 3 && p[0] == "--CertBroker" && p[1] == "Profiles" && p[2] != "default")
            .Select(p => p[2])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(p => !extra.Any(a => a.StartsWith($"--CertBroker:Profiles:{p}:Names:", StringComparison.OrdinalIgnoreCase)))];
        extra.AddRange(profiles.SelectMany(DeviceSubjectAttributes));
        var prepared = false;
        var server = await StartWithFreePortAsync(ServerKind.CertBroker, challenge, (directory, port) =>
        {
            if (!prepared)
            {
                prepareDataDirectory?.Invoke(directory.Path);
                prepared = true;
            }

            var arguments = new List<string>
            {
                assembly,
                "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                $"--CertBroker:DataDir={directory.Path}",
                $"--CertBroker:Profiles:default:ChallengePassword={challenge}",
                // Many tests refuse on purpose from 127.0.0.1; the rate limit has tests of its own.
                "--CertBroker:ScepRateLimit:MaxFailures=100000",
            };
            arguments.AddRange(DeviceSubjectAttributes("default"));
            arguments.AddRange(extra);

            // The content root is the working directory: run beside the assembly so appsettings.json is found.
            return Task.FromResult(ExternalProcess.Start("dotnet", arguments, Path.GetDirectoryName(assembly)));
        }, cancellationToken);
        server._extraArguments = extra;
        return server;
    }

    /// <summary>
    /// Lets a profile's certificates carry the subject attributes scepclient sends by default (O, OU and C besides
    /// CN), as an admin whose devices name their organisation would configure it.
    /// </summary>
    public static IEnumerable<string> DeviceSubjectAttributes(string profile) =>
        new[] { "CN", "serialNumber", "O", "OU", "C" }.Select((name, i) => $"--CertBroker:Profiles:{profile}:Names:SubjectAttributes:{i}={name}");

    /// <summary>
    /// Starts micromdm's scepserver with a new CA. Renewal is allowed at any time (<c>-allowrenew 0</c>),
    /// since its default refuses renewal until 14 days before expiry.
    /// </summary>
    public static Task<ServerProcess> StartScepServerAsync(string challenge, CancellationToken cancellationToken = default) =>
        StartWithFreePortAsync(ServerKind.ScepServer, challenge, async (directory, port) =>
        {
            var depot = Path.Combine(directory.Path, "depot");
            if (!Directory.Exists(depot))
            {
                var init = await ExternalProcess.RunAsync(
                    "scepserver", ["ca", "-init", "-depot", depot, "-keySize", "2048"], TimeSpan.FromSeconds(60), directory.Path, cancellationToken: cancellationToken);
                if (!init.Succeeded)
                {
                    throw new InvalidOperationException("scepserver could not create its CA\n" + init.Describe());
                }
            }

            return ExternalProcess.Start(
                "scepserver",
                ["-depot", depot, "-port", port.ToString(CultureInfo.InvariantCulture), "-challenge", challenge, "-allowrenew", "0"],
                directory.Path);
        }, cancellationToken);

    /// <summary>
    /// Kills the server with SIGKILL, as a crash or the OOM killer would: no shutdown hook runs and nothing is flushed.
    /// The signal is sent before the first await. It stays down until <see cref="RestartAsync"/>.
    /// </summary>
    public Task CrashAsync()
    {
        _process.Signal();
        return _process.KillAsync();
    }

    /// <summary>
    /// Kills the server unless it is down already, as a crash or a reboot would, and starts it again with the same data
    /// directory, port and arguments; returns once it answers again.
    /// </summary>
    /// <param name="addSettings">More <c>--Key=Value</c> arguments from now on (CertBroker only), e.g. something only known after the first start.</param>
    /// <param name="cancellationToken">Cancels the wait for readiness.</param>
    public async Task RestartAsync(IEnumerable<KeyValuePair<string, string>>? addSettings = null, CancellationToken cancellationToken = default)
    {
        var launch = _launch ?? throw new InvalidOperationException("This server was not started by StartWithFreePortAsync");
        if (addSettings is not null)
        {
            var extra = _extraArguments ?? throw new InvalidOperationException("Only CertBroker takes more settings on restart");
            extra.AddRange(addSettings.Select(s => $"--{s.Key}={s.Value}"));
        }

        await _process.DisposeAsync();
        _earlierOutput = Output + "\n--- server killed and started again ---\n";
        _process = await launch(_directory, _port);
        if (await WaitUntilReadyAsync(cancellationToken) is { } failure)
        {
            throw new InvalidOperationException($"{Kind} did not start again on {BaseAddress}: {failure}\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }

    private static async Task<ServerProcess> StartWithFreePortAsync(
        ServerKind kind,
        string challenge,
        Func<TempDirectory, int, Task<ExternalProcess>> launch,
        CancellationToken cancellationToken)
    {
        var directory = TempDirectory.Create(kind.ToString().ToLowerInvariant());
        try
        {
            // A port found free can be taken by someone else before the server binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FindFreePort();
                var process = await launch(directory, port);
                var server = new ServerProcess(kind, process, directory, port, challenge);
                var failure = await server.WaitUntilReadyAsync(cancellationToken);
                if (failure is null)
                {
                    server._launch = launch;
                    return server;
                }

                await process.DisposeAsync();
                var portTaken = server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
                if (!portTaken || attempt == 3)
                {
                    throw new InvalidOperationException($"{kind} did not start on {server.BaseAddress}: {failure}\n{server.Output}");
                }
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Polls GetCACaps until it answers 200. Returns null when ready, else why not.</summary>
    private async Task<string?> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var probeUrl = Url("/scep?operation=GetCACaps");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.KillAsync(); // drains the output
                return "the process exited";
            }

            try
            {
                using var response = await Probe.GetAsync(probeUrl, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }

                // It is up but does not serve SCEP there: waiting longer changes nothing.
                if ((int)response.StatusCode < 500)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    return $"GET {probeUrl} answered {(int)response.StatusCode} {response.StatusCode}: {body[..Math.Min(body.Length, 500)]}";
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The probe itself timed out; try again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return $"GET {probeUrl} did not answer 200 within {StartTimeout.TotalSeconds:F0}s";
    }

    public static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
