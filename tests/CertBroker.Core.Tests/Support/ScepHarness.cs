using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Backends;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Enrolment.Steps;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Embedded;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Support;

/// <summary>Keeps forwarded audit events for assertions.</summary>
internal sealed class CollectingForwarder : IAuditForwarder
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Forward(AuditEvent auditEvent)
    {
        lock (_events)
        {
            _events.Add(auditEvent);
        }
    }
}

/// <summary>A device matcher that answers the same device for every request.</summary>
internal sealed class FixedDeviceMatcher : IDeviceMatcher
{
    public long? DeviceId { get; set; }

    public Task<long?> FindDeviceAsync(string profile, CertBroker.Scep.CertificationRequest csr, CancellationToken cancellationToken) => Task.FromResult(DeviceId);
}

/// <summary>
/// One test's broker: the class's CA material, a fresh migrated SQLite file, the real embedded issuer and RA, and a
/// <see cref="ScepResponder"/> over them, all on a fake clock.
/// </summary>
internal sealed class ScepHarness : IAsyncDisposable
{
    public const string Challenge = "correct horse battery staple";

    private readonly TempDirectory _directory;
    private readonly Lazy<Broker> _broker;
    private readonly Lazy<OneTimeChallengeIssuer> _challenges;

    private ScepHarness(CaKeyMaterial material, TempDirectory directory, SqliteStores stores, ProfileOptions defaultProfile)
    {
        _directory = directory;
        Stores = stores;
        Audit = new AuditRecorder(stores.Audit, Forwarded);
        Lockout = new ChallengeLockout(new SqliteFailureStore(stores.Source), Options.Create(LockoutOptions), Time);
        Guard = new ChallengeGuard(stores.Challenges, Lockout, Audit, Time, NullLogger<ChallengeGuard>.Instance);
        Issuer = new EmbeddedCertificateIssuer(
            material,
            stores.Certificates,
            new SqliteCrlStore(stores.Source),
            new CrlNumberFile(directory.File("crl-number")),
            Options.Create(new EmbeddedCaOptions()),
            Time,
            NullLogger<EmbeddedCertificateIssuer>.Instance);
        Ra = new RegistrationAuthority(material);
        Client = new ScepClient(Ra.EncryptionCertificate, Time);
        Profile = new ScepProfile(BrokerOptions.DefaultProfileName, defaultProfile);
        Catalog = new ProfileCatalog(Options.Create(new BrokerOptions { Profiles = { [BrokerOptions.DefaultProfileName] = defaultProfile } }));
        // Made on first use: a test of an upstream profile composes its own broker with its upstream.
        _broker = new Lazy<Broker>(() => Compose([]));
        _challenges = new Lazy<OneTimeChallengeIssuer>(() => new OneTimeChallengeIssuer(stores.Challenges, Audit, Time, Backends));
    }

    /// <summary>The parts the pipeline, the queue and the upstream job are made of, wired as the host wires them.</summary>
    public sealed record Broker(ScepResponder Responder, RequestQueue Queue, UpstreamPoller Poller, BackendCatalog Backends);

    /// <summary>
    /// The broker's composition over this harness's stores, CA, clock and policy, with
    /// <paramref name="upstreams"/> for the profiles with <c>Backend=Ndes</c>; every part gets its own locks.
    /// </summary>
    public Broker Compose(IEnumerable<IUpstreamCa> upstreams)
    {
        var locks = new TransactionLocks();
        var recorder = new IssuanceRecorder(Stores.Enrolments, Audit, Time);
        var decisions = new QueueDecisions(Stores.Enrolments, Audit);
        var backends = new BackendCatalog(Catalog, [
            new EmbeddedBackendProvider(new EmbeddedBackend(Ra, Issuer, Issuer, new NextCaCertificate(null), recorder)),
            new UpstreamBackendProvider(upstreams, Stores.Enrolments, Stores.Upstream, recorder, Devices, Audit, Policy, Time),
        ]);
        var pipeline = new EnrolmentPipeline(
            new ReplayStep(Stores.Enrolments, Stores.Certificates, decisions, Time),
            new ProofOfPossessionStep(),
            new NamePolicyStep(),
            new AuthorizationStep(new RequestAuthorizer(Time, Guard)),
            new KeyAndAlgorithmPolicyStep(Policy),
            new ApprovalGateStep(Stores.Enrolments, Devices, Audit, Guard, Time),
            new BackendStep(Guard, Time),
            locks,
            Stores.Enrolments,
            Audit,
            Time);
        return new Broker(
            new ScepResponder(backends, pipeline, Stores.Enrolments, Stores.Certificates, locks, decisions, Time),
            new RequestQueue(Stores.Approvals, backends, Catalog, locks, decisions, Audit, Policy, Time),
            new UpstreamPoller(Stores.Upstream, Stores.Enrolments, backends, Catalog, locks, decisions, Time),
            backends);
    }

    /// <summary>Checks challenges behind the lockout.</summary>
    public ChallengeGuard Guard { get; }

    /// <summary>The backend of every profile.</summary>
    public BackendCatalog Backends => _broker.Value.Backends;

    /// <summary>The weak-crypto policy with its default thresholds and no blocklist.</summary>
    public WeakCryptoPolicy Policy { get; } = new(new WeakCryptoOptions(), KeyBlocklist.Empty);

    /// <summary>The profiles: the default one as the test configured it.</summary>
    public ProfileCatalog Catalog { get; }

    /// <summary>The approval queue over the same store, locks and clock as <see cref="Responder"/>.</summary>
    public RequestQueue Queue => _broker.Value.Queue;

    /// <summary>Audit events passed on after their change committed, in order.</summary>
    public CollectingForwarder Forwarded { get; } = new();

    /// <summary>The device matcher the responder asks; matches nothing until a test sets a result.</summary>
    public FixedDeviceMatcher Devices { get; } = new();

    public FakeTimeProvider Time { get; } = TestClock.StartingNow();

    /// <summary>The lockout settings every harness uses: 5 failures within 15 minutes, the defaults.</summary>
    public static ChallengeLockoutOptions LockoutOptions { get; } = new();

    public AuditRecorder Audit { get; }

    public ChallengeLockout Lockout { get; }

    /// <summary>Hands out one-time passwords for profiles with Challenge=OneTime.</summary>
    public OneTimeChallengeIssuer Challenges => _challenges.Value;

    /// <summary>Every store over the test's database file.</summary>
    public SqliteStores Stores { get; }

    public EmbeddedCertificateIssuer Issuer { get; }

    public RegistrationAuthority Ra { get; }

    public ScepResponder Responder => _broker.Value.Responder;

    public ScepClient Client { get; }

    /// <summary>The <c>default</c> profile: static challenge <see cref="Challenge"/> unless the test configured otherwise.</summary>
    public ScepProfile Profile { get; }

    public X509Certificate2 CaCertificate => Issuer.CaChain[0];

    private string DatabasePath => _directory.File("certbroker.db");

    /// <summary>The SQLite file, for tests that look at what was stored the way an operator's sqlite3 would.</summary>
    public string DatabaseFile => DatabasePath;

    public static async Task<ScepHarness> CreateAsync(CaFixture ca, Action<ProfileOptions>? configure = null)
    {
        var directory = new TempDirectory();
        var options = new SqliteStoreOptions { DatabasePath = directory.File("certbroker.db") };
        await new SqliteMigrator(options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var stores = new SqliteStores(options, NullLogger<SqliteDataSource>.Instance);
        return new ScepHarness(ca.Material, directory, stores, ProfileOptions(configure));
    }

    /// <summary>Another profile served by the same broker.</summary>
    public static ScepProfile NewProfile(string name, Action<ProfileOptions>? configure = null) => new(name, ProfileOptions(configure));

    public Task<ScepResult> SendAsync(ClientMessage message, ScepProfile? profile = null) => SendAsync(message.Encoded, profile);

    public Task<ScepResult> SendAsync(byte[] message, ScepProfile? profile = null) =>
        Responder.HandleAsync(profile ?? Profile, message, "192.0.2.10", CancellationToken.None);

    /// <summary>Certificate rows in the database, counted the way an operator's sqlite3 would.</summary>
    public async Task<long> CountCertificatesAsync()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync()
    {
        Stores.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The subject attributes the harness's profiles allow: the defaults plus the organisation's.</summary>
    public static IReadOnlyList<string> TestSubjectAttributes { get; } = ["CN", "serialNumber", "O", "OU", "C", "L", "ST", "unstructuredName", "unstructuredAddress"];

    private static ProfileOptions ProfileOptions(Action<ProfileOptions>? configure)
    {
        // The test devices name their organisation, as most real ones do; the name policy's own tests use its defaults.
        var options = new ProfileOptions { ChallengePassword = Challenge, Names = { SubjectAttributes = [.. TestSubjectAttributes] } };
        configure?.Invoke(options);
        return options;
    }
}
