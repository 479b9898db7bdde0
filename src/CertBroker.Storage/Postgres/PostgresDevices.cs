using CertBroker.Core.Inventory;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Statements of the device inventory and the admin certificate queries on PostgreSQL. Columns are aliased to the
/// row classes' property names; PostgreSQL folds the aliases to lower case and Dapper matches them ignoring case.
/// Certificates are read with <see cref="PostgresSql.CertificateColumns"/>.
/// </summary>
internal static class PostgresDevices
{
    public const string Columns = """
        d.id AS Id, d.identity_kind AS IdentityKind, d.identity_key AS IdentityKey, d.name AS Name,
        d.manufacturer AS Manufacturer, d.model AS Model, d.serial_number AS SerialNumber, d.mac_address AS MacAddress,
        d.ip_address AS IpAddress, d.location AS Location, d.owner AS Owner, d.asset_tag AS AssetTag, d.notes AS Notes,
        d.first_seen AS FirstSeen, d.last_seen AS LastSeen, d.last_profile AS LastProfile, d.created_at AS CreatedAt,
        d.updated_at AS UpdatedAt
        """;

    /// <summary>Creates a device; no row when another device has the identity (the caller reports the clash).</summary>
    public const string Insert = """
        INSERT INTO devices (
            identity_kind, identity_key, name, manufacturer, model, serial_number, mac_address, ip_address, location,
            owner, asset_tag, notes, created_at, updated_at)
        VALUES (
            @IdentityKind, @IdentityKey, @Name, @Manufacturer, @Model, @SerialNumber, @MacAddress, @IpAddress, @Location,
            @Owner, @AssetTag, @Notes, @CreatedAt, @UpdatedAt)
        ON CONFLICT (identity_kind, identity_key) DO NOTHING
        RETURNING id
        """;

    public const string Update = """
        UPDATE devices SET
            identity_kind = @IdentityKind, identity_key = @IdentityKey, name = @Name, manufacturer = @Manufacturer,
            model = @Model, serial_number = @SerialNumber, mac_address = @MacAddress, ip_address = @IpAddress,
            location = @Location, owner = @Owner, asset_tag = @AssetTag, notes = @Notes, updated_at = @UpdatedAt
        WHERE id = @Id
        """;

    /// <summary>
    /// Import, in one statement per device so two nodes importing the same identity cannot both create it: a new
    /// identity is inserted, a known one merged (null columns keep what is stored). <c>xmax = 0</c> holds only for a
    /// row this statement inserted, which tells a creation from an update.
    /// </summary>
    public const string ImportOne = """
        INSERT INTO devices (
            identity_kind, identity_key, name, manufacturer, model, serial_number, mac_address, ip_address, location,
            owner, asset_tag, notes, created_at, updated_at)
        VALUES (
            @IdentityKind, @IdentityKey, @Name, @Manufacturer, @Model, @SerialNumber, @MacAddress, @IpAddress, @Location,
            @Owner, @AssetTag, @Notes, @CreatedAt, @UpdatedAt)
        ON CONFLICT (identity_kind, identity_key) DO UPDATE SET
            name = COALESCE(excluded.name, devices.name),
            manufacturer = COALESCE(excluded.manufacturer, devices.manufacturer),
            model = COALESCE(excluded.model, devices.model),
            serial_number = COALESCE(excluded.serial_number, devices.serial_number),
            mac_address = COALESCE(excluded.mac_address, devices.mac_address),
            ip_address = COALESCE(excluded.ip_address, devices.ip_address),
            location = COALESCE(excluded.location, devices.location),
            owner = COALESCE(excluded.owner, devices.owner),
            asset_tag = COALESCE(excluded.asset_tag, devices.asset_tag),
            notes = COALESCE(excluded.notes, devices.notes),
            updated_at = excluded.updated_at
        RETURNING (xmax = 0) AS created
        """;

    /// <summary>
    /// Inventory search ('q') over <c>certificates</c>: the LIKE on exactly the expression of
    /// <c>ix_certificates_search</c> lets the trigram index find the candidates (@Like is the text with LIKE's own
    /// wildcards escaped, so they match themselves); the per-column test then keeps SQLite's semantics, where a
    /// match lies within one column, not across the spaces that join them.
    /// </summary>
    public const string TextCondition = """
        lower(subject || ' ' || serial || ' ' || subject_alt_names) LIKE '%' || lower(@Like) || '%' ESCAPE '\'
        AND (strpos(lower(subject), lower(@Text)) > 0 OR strpos(lower(serial::text), lower(@Text)) > 0
             OR strpos(lower(subject_alt_names), lower(@Text)) > 0)
        """;

    /// <summary>
    /// The findings of a device's newest certificate <c>c</c> as a JSON array, read with <see cref="FindingsJson"/>;
    /// the same aggregate as <see cref="PostgresSql.CertificateColumns"/> over another alias.
    /// </summary>
    private const string FindingsOfC = """
        (SELECT COALESCE(json_agg(json_build_object('ruleId', f.rule_id, 'severity', f.severity, 'observed', f.observed,
                'threshold', f.threshold, 'message', f.message) ORDER BY f.id), '[]'::json)::text
         FROM findings f WHERE f.certificate_id = c.id)
        """;

    // The newest certificate of each device decides its state.
    private const string NewestCertificate = """
        LEFT JOIN LATERAL (
            SELECT * FROM certificates WHERE device_id = d.id ORDER BY issued_at DESC, id DESC LIMIT 1) c ON TRUE
        """;

    public static async Task<DeviceRow?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object args, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<DeviceRow>(
            new CommandDefinition($"SELECT {Columns} FROM devices d WHERE {where}", args, transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false);

    public static async Task<List<DeviceListItem>> ListAsync(NpgsqlConnection connection, DeviceQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        var window = TimeSpan.FromDays(query.ExpiringWindowDays);
        args.Add("Now", UnixMicroseconds.From(query.Now));
        args.Add("ExpiringFrom", UnixMicroseconds.From(query.Now + window));
        if (!string.IsNullOrEmpty(query.Profile))
        {
            where.Add("lower(d.last_profile) = lower(@Profile)");
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
            var text = MacAddress.TryNormalize(query.Text, out var mac) ? mac : query.Text.Trim().ToLowerInvariant();
            where.Add("""
                (strpos(lower(coalesce(d.name, '')), @Text) > 0 OR strpos(lower(d.identity_key::text), @Text) > 0
                 OR strpos(lower(coalesce(d.serial_number::text, '')), @Text) > 0 OR strpos(lower(coalesce(d.mac_address::text, '')), @Text) > 0
                 OR strpos(lower(coalesce(d.ip_address, '')), @Text) > 0 OR strpos(lower(coalesce(d.location, '')), @Text) > 0
                 OR strpos(lower(coalesce(d.owner, '')), @Text) > 0 OR strpos(lower(coalesce(d.asset_tag, '')), @Text) > 0
                 OR strpos(lower(coalesce(c.subject, '')), @Text) > 0)
                """);
            args.Add("Text", text);
        }

        // The API pages by at most 1000; exports ask for everything.
        args.Add("Limit", (long)Math.Clamp(query.Limit, 1, 1_000_000));
        args.Add("Offset", (long)Math.Max(query.Offset, 0));
        var sql = $"""
            SELECT {Columns}, c.serial AS CertificateSerial, c.not_after AS CertificateNotAfter, c.revoked_at AS CertificateRevokedAt,
                c.renewal_state AS CertificateRenewalState, c.renewal_due_at AS CertificateRenewalDueAt,
                c.last_renewal_attempt_at AS CertificateLastRenewalAttemptAt, c.last_renewal_result AS CertificateLastRenewalResult,
                {FindingsOfC} AS CertificateFindings
            FROM devices d
            {NewestCertificate}
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY d.id
            LIMIT @Limit OFFSET @Offset
            """;
        var rows = await connection.QueryAsync<DeviceRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => row.ToListItem(query.Now, window)).ToList();
    }

    public static async Task<List<CertificateRow>> ListCertificatesAsync(NpgsqlConnection connection, CertificateQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        args.Add("Now", UnixMicroseconds.From(query.Now));
        if (!string.IsNullOrEmpty(query.Profile))
        {
            where.Add("lower(profile) = lower(@Profile)");
            args.Add("Profile", query.Profile);
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
            args.Add("ExpiresBy", UnixMicroseconds.From(query.Now.AddDays(days)));
        }

        if (query.DeviceId is { } deviceId)
        {
            where.Add("device_id = @DeviceId");
            args.Add("DeviceId", deviceId);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim();
            where.Add(TextCondition);
            args.Add("Text", text);
            args.Add("Like", EscapeLike(text));
        }

        args.Add("Limit", (long)Math.Clamp(query.Limit, 1, 10_000));
        args.Add("Offset", (long)Math.Max(query.Offset, 0));
        var sql = $"""
            SELECT {PostgresSql.CertificateColumns}
            FROM certificates
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY issued_at DESC, id DESC
            LIMIT @Limit OFFSET @Offset
            """;
        var rows = await connection.QueryAsync<CertificateRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    public static async Task<CertificateRow?> FindCertificateBySerialAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string serial) =>
        await connection.QuerySingleOrDefaultAsync<CertificateRow>(
            PostgresSql.FindCertificateBySerial, new { Serial = serial }, transaction).ConfigureAwait(false);

    /// <summary>The text with LIKE's wildcards and its escape character escaped, for <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
