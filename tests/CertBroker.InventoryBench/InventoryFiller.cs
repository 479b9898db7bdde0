using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.InventoryBench;

/// <summary>
/// Fills a broker database with a fleet that has lived for two years: one device per two certificates, each device
/// enrolled once and renewed once at 80% of a one-year lifetime (the first certificate superseded by the second),
/// enrolments spread evenly, so about a tenth of the current certificates have expired without renewal and the rest
/// end evenly over the coming year. Key mix, revocations, findings and renewal failures in small realistic shares.
/// Rows go straight into SQLite (the schema comes from the broker's own migrations), not through SCEP.
/// </summary>
internal static class InventoryFiller
{
    private const int Batch = 20_000;
    private static readonly string[] Profiles = ["default", "default", "default", "printers", "vpn"];
    private static readonly string[] Owners = ["Facilities", "IT Operations", "Network", "Security", "Retail", "Logistics"];

    public static async Task FillAsync(string databasePath, int count, int seed, TextWriter log)
    {
        var options = new SqliteStoreOptions { DatabasePath = databasePath };
        int version = await new SqliteMigrator(options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
        log.WriteLine($"schema version {version}; inserting {count} certificates");

        var random = new Random(seed);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        const long Day = 86_400_000_000L;
        var clock = Stopwatch.StartNew();
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;");
        using SqliteCommand device = Prepare(connection, """
            INSERT INTO devices (identity_kind, identity_key, name, manufacturer, model, serial_number, location, owner, first_seen, last_seen, last_profile, created_at, updated_at)
            VALUES ('SubjectCn', @Key, @Key, 'Example Devices', @Model, @SerialNumber, @Location, @Owner, @FirstSeen, @LastSeen, @Profile, @FirstSeen, @LastSeen)
            RETURNING id
            """, "@Key", "@Model", "@SerialNumber", "@Location", "@Owner", "@FirstSeen", "@LastSeen", "@Profile");
        using SqliteCommand certificate = Prepare(connection, """
            INSERT INTO certificates (serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
                signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, revoked_at, revocation_reason,
                device_id, renewal_due_at, renewal_state, last_renewal_attempt_at, last_renewal_result, superseded_by)
            VALUES (@Serial, @Profile, 'CN=CertBroker Issuing CA 1, O=Example Corp', @Subject, @Sans, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize,
                @Signature, @Thumbprint, @PublicKey, @Der, @Transaction, @NotBefore, @RevokedAt, @Reason,
                @Device, @Due, @RenewalState, @Attempt, @Result, @SupersededBy)
            RETURNING id
            """, "@Serial", "@Profile", "@Subject", "@Sans", "@NotBefore", "@NotAfter", "@KeyAlgorithm", "@KeySize", "@Signature", "@Thumbprint",
            "@PublicKey", "@Der", "@Transaction", "@RevokedAt", "@Reason", "@Device", "@Due", "@RenewalState", "@Attempt", "@Result", "@SupersededBy");
        using SqliteCommand finding = Prepare(connection, """
            INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
            VALUES (@Certificate, @Rule, 2, @Observed, @Threshold, @Message, @FoundAt)
            """, "@Certificate", "@Rule", "@Observed", "@Threshold", "@Message", "@FoundAt");

        byte[] der = new byte[1150];
        SqliteTransaction? transaction = null;
        for (int d = 0; d < count / 2; d++)
        {
            if (d % (Batch / 2) == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                device.Transaction = certificate.Transaction = finding.Transaction = transaction;
                if (d > 0)
                {
                    log.WriteLine($"{2 * d} certificates, {clock.Elapsed.TotalSeconds:F0} s");
                }
            }

            string name = $"dev-{d:D7}.site{d % 400:D3}.example.com";
            string profile = Profiles[random.Next(Profiles.Length)];
            long enrolled = now - (long)(random.NextDouble() * 400 * Day) - 292 * Day;
            long renewed = enrolled + 292 * Day + (long)(random.NextDouble() * Day);
            long deviceId = Scalar(device, name, $"Model {(char)('A' + (d % 5))}", $"SN{d:D9}", $"site-{d % 400:D3}", Owners[d % Owners.Length], enrolled, renewed, profile);

            string first = Serial(random);
            string second = Serial(random);
            (string algorithm, int size, string signature) = Key(random);
            string subject = $"CN={name}, OU={Owners[d % Owners.Length]}, O=Example Corp";
            string sans = $"[\"DNS:{name}\",\"IP Address:10.{(d >> 16) & 255}.{(d >> 8) & 255}.{d & 255}\"]";
            Insert(certificate, random, der, first, profile, subject, sans, enrolled, algorithm, size, signature, deviceId, Day, now, supersededBy: second);
            long current = Insert(certificate, random, der, second, profile, subject, sans, renewed, algorithm, size, signature, deviceId, Day, now, supersededBy: null);
            if (size == 1024 || signature == "sha1RSA")
            {
                string rule = size == 1024 ? "WC-RSA-01" : "WC-SIG-01";
                Run(finding, current, rule, size == 1024 ? "1024 bits" : "sha1RSA", size == 1024 ? ">= 2048 bits" : "SHA-256 or stronger",
                    size == 1024 ? "RSA key 1024 bits < 2048" : "SHA-1 signature", renewed);
            }
        }

        transaction?.Commit();
        transaction?.Dispose();
        log.WriteLine($"filled {count} certificates in {clock.Elapsed.TotalSeconds:F0} s");
        await IndexForSearchAsync(options, log);
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        log.WriteLine($"database {new FileInfo(databasePath).Length / 1_000_000} MB");
    }

    /// <summary>What the broker's search indexer does after a bulk import, through the same store call, timed.</summary>
    private static async Task IndexForSearchAsync(SqliteStoreOptions options, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        using var source = new SqliteDataSource(options, NullLogger<SqliteDataSource>.Instance);
        var store = new SqliteInventorySearchIndex(source);
        long total = 0;
        int indexed;
        while ((indexed = await store.IndexPendingAsync(Batch, CancellationToken.None)) > 0)
        {
            total += indexed;
        }

        log.WriteLine($"indexed {total} certificates for search in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static long Insert(
        SqliteCommand command, Random random, byte[] der, string serial, string profile, string subject, string sans, long notBefore,
        string algorithm, int size, string signature, long deviceId, long day, long now, string? supersededBy)
    {
        long notAfter = notBefore + 365 * day;
        long due = notBefore + 292 * day + (long)(random.NextDouble() * 3 * day);
        bool revoked = random.Next(200) == 0;
        // The renewal that superseded a certificate is its last attempt; a tenth of the due current ones were refused once.
        bool refused = supersededBy is null && due < now && random.Next(10) == 0;
        random.NextBytes(der);
        der[0] = 0x30;
        return Scalar(command,
            serial, profile, subject, sans, notBefore, notAfter, algorithm, size, signature,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(serial))),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            der, Guid.NewGuid().ToString("N"),
            revoked ? Math.Min(notBefore + 30 * day, now) : null, revoked ? 1L : null,
            deviceId, due, supersededBy is null ? 0L : 4L,
            supersededBy is not null ? notBefore + 292 * day : refused ? due + day : null,
            supersededBy is not null ? "renewed by " + supersededBy : refused ? "refused: the challenge password is wrong" : null,
            supersededBy);
    }

    private static (string, int, string) Key(Random random) => random.Next(100) switch
    {
        < 2 => ("RSA", 1024, "sha256RSA"),
        < 3 => ("RSA", 2048, "sha1RSA"),
        < 80 => ("RSA", 2048, "sha256RSA"),
        < 85 => ("RSA", 3072, "sha256RSA"),
        < 97 => ("EC", 256, "sha256RSA"),
        _ => ("EC", 384, "sha256RSA"),
    };

    /// <summary>16 random bytes, positive (RFC 5280 §4.1.2.2), lower-case hex without a leading zero byte.</summary>
    private static string Serial(Random random)
    {
        byte[] bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[0] = (byte)((bytes[0] & 0x7f) | 0x01);
        return Convert.ToHexStringLower(bytes);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static long Scalar(SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return (long)command.ExecuteScalar()!;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
