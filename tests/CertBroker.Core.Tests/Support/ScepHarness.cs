using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Enrolment;
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

    private ScepHarness(CaKeyMaterial material, TempDirectory directory, SqliteStores stores, ProfileOptions defaultProfile)
    {
        _directory = directory;
        Stores = stores;
        Audit = new AuditRecorder(stores.Audit, Forwarded);
        Lockout = new ChallengeLockout(Options.Create(LockoutOptions), Time);
        Challenges = new OneTimeChallengeIssuer(stores.Challenges, Audit, Time);
        var guard = new ChallengeGuard(stores.Challenges, Lockout, Audit, Time, NullLogger<ChallengeGuard>.Instance);
        Issuer = new EmbeddedCertificateIssuer(
            material,
            stores.Certificates,
            new CrlNumberFile(directory.File("crl-number")),
            Options.Create(new EmbeddedCaOptions()),
            Time,
            NullLogger<EmbeddedCertificateIssuer>.Instance);
        Ra = new RegistrationAuthority(material);
        var locks = new TransactionLocks();
        Responder = new ScepResponder(Ra, Issuer, Issuer, stores.Enrolments, stores.Certificates, Time, locks, Devices, Audit, guard, Policy);
        Client = new ScepClient(Ra.EncryptionCertificate, Time);
        Profile = new ScepProfile(BrokerOptions.DefaultProfileName, defaultProfile);
        Catalog = new ProfileCatalog(Options.Create(new BrokerOptions { Profiles = { [BrokerOptions.DefaultProfileName] = defaultProfile } }));
        Queue = new RequestQueue(stores.Approvals, stores.Enrolments, Issuer, Catalog, locks, Time, Audit, Policy);
    }

    /// <summary>The weak-crypto policy with its default thresholds and no blocklist.</summary>
    public WeakCryptoPolicy Policy { get; } = new(new WeakCryptoOptions(), KeyBlocklist.Empty);

    /// <summary>The profiles: the default one as the test configured it.</summary>
    public ProfileCatalog Catalog { get; }

    /// <summary>The approval queue over the same store, locks and clock as <see cref="Responder"/>.</summary>
    public RequestQueue Queue { get; }

    /// <summary>Audit events passed on after their change committed, in order.</summary>
    public CollectingForwarder Forwarded { get; } = new();

    /// <summary>The device matcher the responder asks; matches nothing until a test sets a result.</summary>
    public FixedDeviceMatcher Devices { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    /// <summary>The lockout settings every harness uses: 5 failures within 15 minutes, the defaults.</summary>
    public static ChallengeLockoutOptions LockoutOptions { get; } = new();

    public AuditRecorder Audit { get; }

    public ChallengeLockout Lockout { get; }

    /// <summary>Hands out one-time passwords for profiles with Challenge=OneTime.</summary>
    public OneTimeChallengeIssuer Challenges { get; }

    /// <summary>Every store over the test's database file.</summary>
    public SqliteStores Stores { get; }

    public EmbeddedCertificateIssuer Issuer { get; }

    public RegistrationAuthority Ra { get; }

    public ScepResponder Responder { get; }

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

    private static ProfileOptions ProfileOptions(Action<ProfileOptions>? configure)
    {
        var options = new ProfileOptions { ChallengePassword = Challenge };
        configure?.Invoke(options);
        return options;
    }
}
