using CertBroker.Core.Inventory;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>Statements of the device inventory and the admin certificate queries.</summary>
internal static class SqliteDevices
{
    public const string Columns = """
        d.id AS Id, d.identity_kind AS IdentityKind, d.identity_key AS IdentityKey, d.name AS Name,
        d.manufacturer AS Manufacturer, d.model AS Model, d.serial_number AS SerialNumber, d.mac_address AS MacAddress,
        d.ip_address AS IpAddress, d.location AS Location, d.owner AS Owner, d.asset_tag AS AssetTag, d.notes AS Notes,
        d.first_seen AS FirstSeen, d.last_seen AS LastSeen, d.last_profile AS LastProfile, d.created_at AS CreatedAt,
        d.updated_at AS UpdatedAt
        """;

    public const string Insert = """
        INSERT INTO devices (
            identity_kind, identity_key, name, manufacturer, model, serial_number, mac_address, ip_address, location,
            owner, asset_tag, notes, created_at, updated_at)
        VALUES (
            @IdentityKind, @IdentityKey, @Name, @Manufacturer, @Model, @SerialNumber, @MacAddress, @IpAddress, @Location,
            @Owner, @AssetTag, @Notes, @CreatedAt, @UpdatedAt)
        RETURNING id
        """;

    public const string Update = """
        UPDATE devices SET
            identity_kind = @IdentityKind, identity_key = @IdentityKey, name = @Name, manufacturer = @Manufacturer,
            model = @Model, serial_number = @SerialNumber, mac_address = @MacAddress, ip_address = @IpAddress,
            location = @Location, owner = @Owner, asset_tag = @AssetTag, notes = @Notes, updated_at = @UpdatedAt
        WHERE id = @Id
        """;

    /// <summary>Import: null columns keep what is stored.</summary>
    public const string Merge = """
        UPDATE devices SET
            name = COALESCE(@Name, name), manufacturer = COALESCE(@Manufacturer, manufacturer),
            model = COALESCE(@Model, model), serial_number = COALESCE(@SerialNumber, serial_number),
            mac_address = COALESCE(@MacAddress, mac_address), ip_address = COALESCE(@IpAddress, ip_address),
            location = COALESCE(@Location, location), owner = COALESCE(@Owner, owner),
            asset_tag = COALESCE(@AssetTag, asset_tag), notes = COALESCE(@Notes, notes), updated_at = @UpdatedAt
        WHERE id = @Id
        """;

    // The newest certificate of each device decides its state.
    private const string NewestCertificate = """
        LEFT JOIN certificates c ON c.id = (
            SELECT id FROM certificates WHERE device_id = d.id ORDER BY issued_at DESC, id DESC LIMIT 1)
        """;

    public static DeviceRow? Find(SqliteConnection connection, string where, object args) =>
        connection.QuerySingleOrDefault<DeviceRow>($"SELECT {Columns} FROM devices d WHERE {where}", args);

    public static List<DeviceListItem> List(SqliteConnection connection, DeviceQuery query)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        long now = UnixMicroseconds.From(query.Now);
        TimeSpan window = TimeSpan.FromDays(query.ExpiringWindowDays);
        args.Add("Now", now);
        args.Add("ExpiringFrom", UnixMicroseconds.From(query.Now + window));
        if (!string.IsNullOrEmpty(query.Profile))
        {
            where.Add("d.last_profile = @Profile COLLATE NOCASE");
            args.Add("Profile", query.Profile);
        }

        if (query.State is { } state)
        {
            where.Add(state switch
            {
                DeviceState.None => "c.id IS NULL",
                DeviceState.Revoked => "c.revoked_at IS NOT NULL",
                DeviceState.Expired => "c.revoked_at IS NULL AND c.not_after < @Now",
                DeviceState.Expiring => "c.revoked_at IS NULL AND c.not_after >= @Now AND c.not_after < @ExpiringFrom",
                _ => "c.revoked_at IS NULL AND c.not_after >= @Now",
            });
        }

        if (query.ExpiresWithinDays is { } days)
        {
            where.Add("c.revoked_at IS NULL AND c.not_after >= @Now AND c.not_after <= @ExpiresBy");
            args.Add("ExpiresBy", UnixMicroseconds.From(query.Now.AddDays(days)));
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            string text = MacAddress.TryNormalize(query.Text, out string? mac) ? mac : query.Text.Trim().ToLowerInvariant();
            where.Add("""
                (instr(lower(coalesce(d.name, '')), @Text) OR instr(lower(d.identity_key), @Text)
                 OR instr(lower(coalesce(d.serial_number, '')), @Text) OR instr(lower(coalesce(d.mac_address, '')), @Text)
                 OR instr(lower(coalesce(d.ip_address, '')), @Text) OR instr(lower(coalesce(d.location, '')), @Text)
                 OR instr(lower(coalesce(d.owner, '')), @Text) OR instr(lower(coalesce(d.asset_tag, '')), @Text)
                 OR instr(lower(coalesce(c.subject, '')), @Text))
                """);
            args.Add("Text", text);
        }

        // The API pages by at most 1000; exports ask for everything.
        args.Add("Limit", (long)Math.Clamp(query.Limit, 1, 1_000_000));
        args.Add("Offset", (long)Math.Max(query.Offset, 0));
        string sql = $"""
            SELECT {Columns}, c.serial AS CertificateSerial, c.not_after AS CertificateNotAfter, c.revoked_at AS CertificateRevokedAt,
                c.renewal_state AS CertificateRenewalState, c.renewal_due_at AS CertificateRenewalDueAt,
                c.last_renewal_attempt_at AS CertificateLastRenewalAttemptAt, c.last_renewal_result AS CertificateLastRenewalResult,
                {SqliteSql.FindingsOf("c.id")} AS CertificateFindings
            FROM devices d
            {NewestCertificate}
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY d.id
            LIMIT @Limit OFFSET @Offset
            """;
        return connection.Query<DeviceRow>(sql, args).Select(row => row.ToListItem(query.Now, window)).ToList();
    }

    public static List<CertificateRow> ListCertificates(SqliteConnection connection, CertificateQuery query)
    {
        var where = new List<string>();
        using SqliteCommand command = connection.CreateCommand();
        command.Parameters.AddWithValue("@Now", UnixMicroseconds.From(query.Now));
        if (!string.IsNullOrEmpty(query.Profile))
        {
            where.Add("profile = @Profile COLLATE NOCASE");
            command.Parameters.AddWithValue("@Profile", query.Profile);
        }

        if (query.State is { } state)
        {
            where.Add(state switch
            {
                CertificateState.Revoked => "revoked_at IS NOT NULL",
                CertificateState.Expired => "revoked_at IS NULL AND not_after < @Now",
                _ => "revoked_at IS NULL AND not_after >= @Now",
            });
        }

        if (query.ExpiresWithinDays is { } days)
        {
            where.Add("revoked_at IS NULL AND not_after >= @Now AND not_after <= @ExpiresBy");
            command.Parameters.AddWithValue("@ExpiresBy", UnixMicroseconds.From(query.Now.AddDays(days)));
        }

        if (query.DeviceId is { } deviceId)
        {
            where.Add("device_id = @DeviceId");
            command.Parameters.AddWithValue("@DeviceId", deviceId);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            string text = query.Text.Trim().ToLowerInvariant();
            where.Add("(instr(lower(subject), @Text) OR instr(lower(serial), @Text) OR instr(lower(subject_alt_names), @Text))");
            command.Parameters.AddWithValue("@Text", text);
            if (text.Length >= 3)
            {
                // The trigram index (0009) narrows the search to certificates holding every trigram of the text, as
                // one phrase; the instr test above keeps the exact substring semantics for what it finds. Certificates
                // not indexed yet (above the watermark of 0010) are tested directly.
                // One IN list, not an OR of two conditions: with OR, SQLite scans every certificate.
                where.Add("""
                    id IN (SELECT rowid FROM certificate_search WHERE certificate_search MATCH @Phrase
                           UNION ALL
                           SELECT id FROM certificates WHERE id > (SELECT indexed_through FROM certificate_search_state))
                    """);
                command.Parameters.AddWithValue("@Phrase", "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            }
        }

        command.Parameters.AddWithValue("@Limit", (long)Math.Clamp(query.Limit, 1, 10_000));
        command.Parameters.AddWithValue("@Offset", (long)Math.Max(query.Offset, 0));
        command.CommandText = $"""
            SELECT {SqliteSql.CertificateColumns}
            FROM certificates
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY issued_at DESC, id DESC
            LIMIT @Limit OFFSET @Offset
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        return SqliteRowReader.Certificate.ReadAll(reader);
    }

    /// <summary>SQLITE_CONSTRAINT_UNIQUE: the identity (kind, key) is taken.</summary>
    public static bool IsUniqueViolation(SqliteException ex) => ex.SqliteExtendedErrorCode == 2067;
}
