using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>A front broker and the upstream CA behind it; <see cref="ServerFixture.Server"/> is the front.</summary>
public abstract class UpstreamFixture : ServerFixture
{
    private const int LogTail = 5000;

    /// <summary>The upstream CA certificate, written as PEM: the only trust anchor for <c>openssl verify</c>.</summary>
    public abstract string UpstreamCaFile { get; }

    /// <summary>The device path on the front broker, as a URL.</summary>
    public string DeviceUrl => Server.Url(FrontBroker.DevicePath);

    /// <summary>What went wrong, then the end of both logs.</summary>
    public string Evidence(string what) =>
        $"{what}\n--- front broker ---\n{Tail(Server.Output)}\n--- upstream ---\n{Tail(UpstreamOutput)}";

    /// <summary>Asserts that <paramref name="certificateFile"/> chains to the upstream CA, with nothing else trusted.</summary>
    public async Task AssertChainsToUpstreamAsync(string certificateFile, string clientOutput)
    {
        var verify = await OpenSsl.VerifyAsync(UpstreamCaFile, certificateFile);
        Assert.True(verify.Succeeded, Evidence($"openssl verify against the upstream CA rejected what the client received\n{verify.Describe()}\n{clientOutput}"));
    }

    protected abstract string UpstreamOutput { get; }

    private static string Tail(string log) => log.Length > LogTail ? "...\n" + log[^LogTail..] : log;
}

/// <summary>
/// micromdm's scepserver as the upstream CA with a static challenge, and a front broker whose Ndes profile points at it
/// with the same challenge, which devices therefore use.
/// </summary>
public class ScepServerUpstreamFixture : UpstreamFixture
{
    private ScepServerUpstream? _upstream;

    public ScepServerUpstream Upstream => _upstream ?? throw new InvalidOperationException("The upstream has not started");

    public override string UpstreamCaFile => Upstream.CaFile;

    protected override string UpstreamOutput => _upstream?.Output ?? "";

    /// <summary>Front broker settings on top of the upstream URL and challenge.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> FrontSettings => [];

    /// <summary>Whether scepserver is stopped before the front's first start, which then finds its upstream away.</summary>
    protected virtual bool UpstreamDownAtFirstStart => false;

    protected override async Task<ServerProcess> StartAsync()
    {
        _upstream = await ScepServerUpstream.CreateAsync(Challenge);
        if (UpstreamDownAtFirstStart)
        {
            await _upstream.StopAsync();
        }

        return await FrontBroker.StartThenAsync(
            [
                new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Url", _upstream.ScepUrl),
                new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Challenge", Challenge),
                .. FrontSettings,
            ],
            front => UpstreamDownAtFirstStart ? Task.CompletedTask : FrontBroker.WaitUntilReadyAsync(front, whileWaiting: null, TimeSpan.FromSeconds(60)));
    }

    protected override async Task DisposeMoreAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }
}

/// <summary>The scepserver set-up with scepserver away when the front broker starts for the first time.</summary>
public sealed class ScepServerDownAtStartFixture : ScepServerUpstreamFixture
{
    protected override bool UpstreamDownAtFirstStart => true;
}

/// <summary>
/// The scepserver set-up with a front broker that gives up on an unreachable upstream after three attempts, one to
/// two seconds apart, so a test can watch a request fail for good.
/// </summary>
public sealed class ScepServerFewAttemptsFixture : ScepServerUpstreamFixture
{
    public const int MaxAttempts = 3;

    protected override IEnumerable<KeyValuePair<string, string>> FrontSettings =>
    [
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:MaxRetryDelaySeconds", "2"),
    ];
}

/// <summary>
/// A second CertBroker process as the upstream CA (its bootstrap Administrator is <c>admin</c>), and a front broker
/// whose Ndes profile points at it. Subclasses say how each is configured.
/// </summary>
public abstract class CertBrokerUpstreamFixture : UpstreamFixture
{
    public const string UpstreamAdminPassword = "Upstream-Adm1n-Pw!";

    private ServerProcess? _upstream;
    private string? _upstreamCaFile;

    public ServerProcess Upstream => _upstream ?? throw new InvalidOperationException("The upstream has not started");

    public override string UpstreamCaFile => _upstreamCaFile ?? throw new InvalidOperationException("The upstream has not started");

    /// <summary>The upstream's admin API: its request queue and inventory.</summary>
    public AdminApiClient NewUpstreamAdminClient() => new(Upstream.BaseAddress, "admin", UpstreamAdminPassword);

    public AdminApiClient NewFrontAdminClient() => FrontBroker.NewAdminClient(Server);

    protected override string UpstreamOutput => _upstream?.Output ?? "";

    /// <summary>The upstream profile's SCEP path, whose GetCACert names the CA to trust.</summary>
    protected virtual string UpstreamPath => "/scep";

    /// <summary>Upstream settings beyond its default profile's challenge and the admin.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> UpstreamSettings => [];

    /// <summary>The front's <c>Ndes:*</c> settings, once the upstream runs.</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> FrontSettings(ServerProcess upstream);

    /// <summary>Runs between probes while the front gets ready.</summary>
    protected virtual Task WhileFrontStartsAsync() => Task.CompletedTask;

    /// <summary>Runs once the front answers GetCACert, with what it answered.</summary>
    protected virtual Task FrontReadyAsync(CaCertificates frontCertificates) => Task.CompletedTask;

    protected override async Task<ServerProcess> StartAsync()
    {
        _upstream = await ServerProcess.StartCertBrokerAsync(Challenge,
        [
            new("CertBroker:Admin:BootstrapPassword", UpstreamAdminPassword),
            new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
            .. UpstreamSettings,
        ]);
        (_upstreamCaFile, _) = (await CaCertificates.FetchAsync(_upstream.Url(UpstreamPath))).WritePem(Files.Sub("upstream-ca"));
        return await FrontBroker.StartThenAsync(
            FrontSettings(_upstream),
            async front => await FrontReadyAsync(await FrontBroker.WaitUntilReadyAsync(front, WhileFrontStartsAsync, TimeSpan.FromSeconds(90))));
    }

    protected override async Task DisposeMoreAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }
}

/// <summary>
/// A second CertBroker as the upstream: its profile <see cref="UpstreamProfile"/> queues every request for approval
/// (<c>Approval=Manual</c>) and takes only one-time passwords (<c>Challenge=OneTime</c>) from its mscep_admin page.
/// The front's Ndes profile fetches those passwords with HTTP Basic as the upstream's admin and hands them out on its
/// own mscep_admin page.
/// </summary>
public sealed class BrokerUpstreamFixture : CertBrokerUpstreamFixture
{
    public const string UpstreamProfile = "devices";

    protected override string UpstreamPath => $"/scep/{UpstreamProfile}";

    protected override IEnumerable<KeyValuePair<string, string>> UpstreamSettings =>
    [
        new($"CertBroker:Profiles:{UpstreamProfile}:Challenge", "OneTime"),
        new($"CertBroker:Profiles:{UpstreamProfile}:Approval", "Manual"),
    ];

    protected override IEnumerable<KeyValuePair<string, string>> FrontSettings(ServerProcess upstream) =>
    [
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Url", upstream.Url(UpstreamPath)),
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:AdminUrl", upstream.Url($"/certsrv/mscep_admin/?profile={UpstreamProfile}")),
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:UserName", "admin"),
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Password", UpstreamAdminPassword),
    ];

    // The front enrols its own RA certificate from the upstream at start-up; this upstream queues that request too,
    // so its admin approves it like any other.
    protected override async Task WhileFrontStartsAsync()
    {
        using var upstreamAdmin = NewUpstreamAdminClient();
        foreach (var request in await upstreamAdmin.ListRequestsAsync("pending", ""))
        {
            await upstreamAdmin.ApproveAsync(request.GetProperty("id").GetInt64());
        }
    }
}
