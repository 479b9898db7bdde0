using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Support;

/// <summary>One certificate row to put straight into the broker's database, as an import or the renewal sweep would leave it.</summary>
internal sealed record SeedCertificate(string Serial, DateTimeOffset NotAfter)
{
    public string Profile { get; init; } = "default";

    public string Subject { get; init; } = "CN=seeded";

    public string SubjectAltNames { get; init; } = "[]";

    public string KeyAlgorithm { get; init; } = "RSA";

    public int KeySize { get; init; } = 2048;

    public string SignatureAlgorithm { get; init; } = "sha256RSA";

    public DateTimeOffset? RenewalDueAt { get; init; }

    public DateTimeOffset? LastRenewalAttemptAt { get; init; }

    public string? LastRenewalResult { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? SupersededBy { get; init; }

    public long? DeviceId { get; init; }

    public string[] Findings { get; init; } = [];
}

/// <summary>
/// Writes inventory rows straight into a running broker's SQLite file, with renewal state and findings as the
/// lifecycle jobs would have left them. Hosts that are seeded run without those jobs (<see cref="WithoutLifecycleJobs"/>):
/// the weak-crypto re-scan would replace the seeded findings from the stand-in DER.
/// </summary>
internal sealed class InventorySeed(string dataDir) : IDisposable
{
    private readonly SqliteConnection _connection = Open(dataDir);

    public long AddDevice(string name, string? location = null, string? owner = null)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = """
            INSERT INTO devices (identity_kind, identity_key, name, location, owner, created_at, updated_at)
            VALUES ('Manual', @Key, @Name, @Location, @Owner, 0, 0) RETURNING id
            """;
        command.Parameters.AddWithValue("@Key", name);
        command.Parameters.AddWithValue("@Name", name);
        command.Parameters.AddWithValue("@Location", (object?)location ?? DBNull.Value);
        command.Parameters.AddWithValue("@Owner", (object?)owner ?? DBNull.Value);
        return (long)command.ExecuteScalar()!;
    }

    public void Add(params SeedCertificate[] certificates)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        foreach (SeedCertificate c in certificates)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO certificates (serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm,
                    key_size, signature_algorithm, thumbprint_sha256, public_key_sha256, der, issued_at, revoked_at, revocation_reason,
                    device_id, renewal_due_at, last_renewal_attempt_at, last_renewal_result, superseded_by)
                VALUES (@Serial, @Profile, 'CN=Seed CA', @Subject, @Sans, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize, @Signature,
                    @Thumbprint, @Thumbprint, x'3000', @NotBefore, @RevokedAt, @Reason, @DeviceId, @Due, @Attempt, @Result, @SupersededBy)
                RETURNING id
                """;
            command.Parameters.AddWithValue("@Serial", c.Serial);
            command.Parameters.AddWithValue("@Profile", c.Profile);
            command.Parameters.AddWithValue("@Subject", c.Subject);
            command.Parameters.AddWithValue("@Sans", c.SubjectAltNames);
            command.Parameters.AddWithValue("@NotBefore", Micro(c.NotAfter.AddDays(-365)));
            command.Parameters.AddWithValue("@NotAfter", Micro(c.NotAfter));
            command.Parameters.AddWithValue("@KeyAlgorithm", c.KeyAlgorithm);
            command.Parameters.AddWithValue("@KeySize", c.KeySize);
            command.Parameters.AddWithValue("@Signature", c.SignatureAlgorithm);
            command.Parameters.AddWithValue("@Thumbprint", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c.Serial))));
            command.Parameters.AddWithValue("@RevokedAt", Nullable(c.RevokedAt is { } r ? Micro(r) : null));
            command.Parameters.AddWithValue("@Reason", Nullable(c.RevokedAt is null ? null : 0L));
            command.Parameters.AddWithValue("@DeviceId", Nullable(c.DeviceId));
            command.Parameters.AddWithValue("@Due", Nullable(c.RenewalDueAt is { } d ? Micro(d) : null));
            command.Parameters.AddWithValue("@Attempt", Nullable(c.LastRenewalAttemptAt is { } a ? Micro(a) : null));
            command.Parameters.AddWithValue("@Result", (object?)c.LastRenewalResult ?? DBNull.Value);
            command.Parameters.AddWithValue("@SupersededBy", (object?)c.SupersededBy ?? DBNull.Value);
            long id = (long)command.ExecuteScalar()!;
            foreach (string rule in c.Findings)
            {
                using SqliteCommand finding = _connection.CreateCommand();
                finding.Transaction = transaction;
                finding.CommandText = """
                    INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
                    VALUES (@Id, @Rule, 2, 'observed', 'threshold', 'seeded finding', 0)
                    """;
                finding.Parameters.AddWithValue("@Id", id);
                finding.Parameters.AddWithValue("@Rule", rule);
                finding.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>No scheduled jobs and no weak-crypto re-scan at start-up, so seeded rows stay as written.</summary>
    public static void WithoutLifecycleJobs(IWebHostBuilder builder)
    {
        builder.UseSetting("CertBroker:Schedule:Enabled", "false");
        builder.ConfigureTestServices(services =>
        {
            foreach (ServiceDescriptor descriptor in services.Where(d => d.ImplementationType == typeof(CertBroker.Server.Jobs.PolicyChangeCheck)).ToList())
            {
                services.Remove(descriptor);
            }
        });
    }

    public void Dispose() => _connection.Dispose();

    private static long Micro(DateTimeOffset time) => time.ToUnixTimeMilliseconds() * 1000;

    private static object Nullable(long? value) => value is { } v ? v : DBNull.Value;

    private static SqliteConnection Open(string dataDir)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "certbroker.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}
