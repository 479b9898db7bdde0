using System.Collections.Concurrent;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>What differs between the kinds of server the same tests run against.</summary>
public interface IServerKind
{
    /// <summary>The SCEP paths this kind of server answers on; path-dependent tests run once per path.</summary>
    static abstract IReadOnlyList<string> ScepPaths { get; }
}

/// <summary>
/// One server process shared by the tests of a class, plus a scratch directory and a pool of
/// pre-generated client keys. The challenge password is the same for every kind.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string Challenge = "interop-secret-7";
    public const string WrongChallenge = "not-the-secret";

    private readonly ConcurrentDictionary<string, Task<(string CaFile, string? UntrustedFile)>> _caFiles = new();
    private ServerProcess? _server;
    private int _workDirectories;

    protected ServerFixture()
    {
        Files = TempDirectory.Create("clients");
        Keys = new KeyPool(Files.Sub("keys"), prefill: 4);
    }

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started");

    /// <summary>Where client runs keep their files.</summary>
    public TempDirectory Files { get; }

    /// <summary>PKCS#1 RSA keys made ahead, so tests do not wait for key generation.</summary>
    public KeyPool Keys { get; }

    public async Task InitializeAsync()
    {
        try
        {
            _server = await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Keys.DrainAsync();
        await DisposeMoreAsync();
        Files.Dispose();
    }

    /// <summary>A new empty directory for one client run.</summary>
    public string NewWorkDirectory(string name) =>
        Files.Sub($"{Interlocked.Increment(ref _workDirectories):D3}-{name}");

    /// <summary>
    /// The CA certificate from GetCACert through <paramref name="path"/>, written as PEM for <c>openssl verify</c>
    /// (root in ca.pem, any intermediates in intermediates.pem). Fetched once per path.
    /// </summary>
    public Task<(string CaFile, string? UntrustedFile)> CaFilesAsync(string path) =>
        _caFiles.GetOrAdd(path, async p =>
        {
            var certificates = await CaCertificates.FetchAsync(Server.Url(p));
            return certificates.WritePem(Files.Sub("ca" + p.Replace('/', '_')));
        });

    protected abstract Task<ServerProcess> StartAsync();

    /// <summary>Stops what a fixture started beside <see cref="Server"/> (an upstream CA, say); runs after the server stopped.</summary>
    protected virtual Task DisposeMoreAsync() => Task.CompletedTask;
}

/// <summary>CertBroker from this build, answering on every path clients use.</summary>
public sealed class CertBrokerFixture : ServerFixture, IServerKind
{
    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep", "/certsrv/mscep/mscep.dll"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge);
}

/// <summary>micromdm's scepserver, which answers only on /scep: the reference the harness is checked against.</summary>
public sealed class ScepServerFixture : ServerFixture, IServerKind
{
    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartScepServerAsync(Challenge);
}

/// <summary>
/// CertBroker whose default profile queues every first enrolment for approval (<c>Approval=Manual</c>), with the
/// first Administrator bootstrapped from configuration so tests can decide through the admin API.
/// </summary>
public sealed class ManualApprovalFixture : ServerFixture, IServerKind
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Interop-Appr0ver!x";

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep"];

    /// <summary>The admin API, signed in as <see cref="AdminUser"/>.</summary>
    public AdminApiClient NewAdminClient() => new(Server.BaseAddress, AdminUser, AdminPassword);

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge,
    [
        new("CertBroker:Profiles:default:Approval", "Manual"),
        new("CertBroker:Admin:BootstrapPassword", AdminPassword),
    ]);
}

/// <summary>
/// CertBroker issuing at once on its default profile, with the first Administrator bootstrapped from configuration so
/// tests can read the inventory. Tests that kill and restart the server use it, each class with its own process.
/// </summary>
public sealed class AdminCertBrokerFixture : ServerFixture, IServerKind
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Interop-Inv3ntory!x";

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep"];

    /// <summary>The admin API, signed in as <see cref="AdminUser"/>.</summary>
    public AdminApiClient NewAdminClient() => new(Server.BaseAddress, AdminUser, AdminPassword);

    protected override Task<ServerProcess> StartAsync() =>
        ServerProcess.StartCertBrokerAsync(Challenge, [new("CertBroker:Admin:BootstrapPassword", AdminPassword)]);
}
