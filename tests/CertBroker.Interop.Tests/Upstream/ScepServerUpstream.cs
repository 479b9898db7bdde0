using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>A line of scepserver's <c>depot/index.txt</c>: one certificate it issued.</summary>
/// <param name="Status">OpenSSL CA database status: <c>V</c> valid, <c>R</c> revoked, <c>E</c> expired.</param>
/// <param name="Subject">The subject as scepserver writes it, e.g. <c>/CN=device-1</c>.</param>
public sealed record DepotEntry(string Status, string Serial, string Subject);

/// <summary>
/// micromdm's <c>scepserver</c> as the CA upstream of a broker: a CA created once in its own depot, served on one
/// port that stays the same across <see cref="StopAsync"/> and <see cref="StartAsync"/>, so an outage looks to the
/// broker like the same server going away and coming back.
/// </summary>
/// <remarks>
/// scepserver 2.1.0 has no option for the listen address: <c>-port</c> is appended to <c>":"</c>, so it listens on
/// every interface (<c>-port 127.0.0.1:N</c> fails with "too many colons"). The tests only ever talk to it through
/// 127.0.0.1. It serves SCEP on <c>/scep</c> only and keeps what it issued in an OpenSSL-style <c>index.txt</c>.
/// </remarks>
public sealed class ScepServerUpstream : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly TempDirectory _directory;
    private readonly string _challenge;
    private ExternalProcess? _process;
    private string _earlierOutput = "";

    private ScepServerUpstream(TempDirectory directory, int port, string challenge)
    {
        _directory = directory;
        Port = port;
        _challenge = challenge;
    }

    public int Port { get; }

    /// <summary>The SCEP URL a broker's <c>Ndes:Url</c> points at.</summary>
    public string ScepUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/scep";

    public string Depot => Path.Combine(_directory.Path, "depot");

    /// <summary>The CA certificate scepserver created (<c>depot/ca.pem</c>): the only trust anchor issued certificates need.</summary>
    public X509Certificate2 CaCertificate => X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));

    public string CaFile => Path.Combine(Depot, "ca.pem");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything scepserver printed across all its runs, for failure messages.</summary>
    public string Output => _earlierOutput + (_process is null ? "" : Describe(_process));

    /// <summary>Creates the CA (2048-bit key) in a new depot and starts serving it on a free loopback port.</summary>
    public static async Task<ScepServerUpstream> CreateAsync(string challenge, CancellationToken cancellationToken = default)
    {
        var directory = TempDirectory.Create("scepserver-upstream");
        try
        {
            var init = await ExternalProcess.RunAsync(
                "scepserver",
                ["ca", "-init", "-depot", Path.Combine(directory.Path, "depot"), "-keySize", "2048"],
                TimeSpan.FromSeconds(60),
                directory.Path,
                cancellationToken: cancellationToken);
            if (!init.Succeeded)
            {
                throw new InvalidOperationException("scepserver could not create its CA\n" + init.Describe());
            }

            var upstream = new ScepServerUpstream(directory, FindFreePort(), challenge);
            await upstream.StartAsync(cancellationToken);
            return upstream;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Starts scepserver on <see cref="Port"/> with the same depot, and waits until GetCACaps answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("scepserver is already running");
        }

        await RememberAndDisposeAsync();

        // -allowrenew 0: scepserver otherwise refuses renewals until 14 days before expiry.
        _process = ExternalProcess.Start(
            "scepserver",
            ["-depot", Depot, "-port", Port.ToString(CultureInfo.InvariantCulture), "-challenge", _challenge, "-allowrenew", "0", "-debug"],
            _directory.Path);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"scepserver exited on start\n{Output}");
            }

            if (await AnswersAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new InvalidOperationException($"scepserver did not answer GetCACaps on {ScepUrl} within {StartTimeout.TotalSeconds:F0} s\n{Output}");
    }

    /// <summary>Kills scepserver, as a crash or a network cut would look to the broker; the depot stays.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
        }
    }

    /// <summary>The certificates scepserver issued so far, from its <c>index.txt</c>.</summary>
    public IReadOnlyList<DepotEntry> Issued()
    {
        var index = Path.Combine(Depot, "index.txt");
        if (!File.Exists(index))
        {
            return [];
        }

        // OpenSSL CA database: status, expiry, revocation date, serial, file name, subject, separated by tabs.
        return File.ReadAllLines(index)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length >= 6)
            .Select(fields => new DepotEntry(fields[0], fields[3], fields[5]))
            .ToList();
    }

    /// <summary>How many certificates scepserver issued whose subject has the common name <paramref name="commonName"/>.</summary>
    public int IssuedTo(string commonName) =>
        Issued().Count(e => e.Subject.Split('/').Contains("CN=" + commonName, StringComparer.Ordinal));

    /// <summary>
    /// Winds scepserver's serial counter (<c>depot/serial</c>, hex) back to <paramref name="serialHex"/>, so the next
    /// certificate it issues repeats that serial: what its unlocked counter does by itself under concurrent load.
    /// </summary>
    public Task ReuseSerialAsync(string serialHex) =>
        File.WriteAllTextAsync(Path.Combine(Depot, "serial"), serialHex.ToUpperInvariant() + "\n");

    public async ValueTask DisposeAsync()
    {
        await RememberAndDisposeAsync();
        _directory.Dispose();
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Probe.GetAsync(ScepUrl + "?operation=GetCACaps", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RememberAndDisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.DisposeAsync();
        _earlierOutput += Describe(_process) + "--- scepserver stopped ---\n";
        _process = null;
    }

    private static string Describe(ExternalProcess process) =>
        $"$ {process.CommandLine}\n{process.StandardOutput}{process.StandardError}";

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
