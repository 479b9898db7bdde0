using Microsoft.Data.Sqlite;
using Npgsql;

namespace CertBroker.Storage.Copy;

/// <summary>Which tables and columns <see cref="StoreCopy"/> copies, read from both databases' catalogs.</summary>
internal static class StoreCopySchema
{
    /// <summary>The store's own tables, never its migration record or the scheduler's (each node rebuilds its triggers).</summary>
    public static bool IsStoreTable(string name) =>
        !name.Equals("schema_version", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The tables both sides have, parents before the tables whose foreign keys point at them (devices before
    /// certificates before findings), and a note for each table only one side has.
    /// </summary>
    public static async Task<(List<CopyTable> Tables, List<string> Notes)> ReadAsync(
        SqliteConnection sqlite, NpgsqlConnection postgres, CancellationToken cancellationToken)
    {
        var sqliteTables = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = sqlite.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (IsStoreTable(reader.GetString(0)))
                {
                    sqliteTables.Add(reader.GetString(0));
                }
            }
        }

        List<string> postgresTables = await ListAsync(postgres, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname
            """, null, cancellationToken).ConfigureAwait(false);
        postgresTables.RemoveAll(t => !IsStoreTable(t));

        var notes = new List<string>();
        foreach (string table in sqliteTables.Where(t => !postgresTables.Contains(t)).Order(StringComparer.Ordinal))
        {
            notes.Add(table.StartsWith("certificate_search", StringComparison.Ordinal)
                ? $"{table}: SQLite's search index; PostgreSQL keeps its own index on certificates, nothing to copy."
                : $"{table}: only in SQLite; not copied.");
        }

        var tables = new List<CopyTable>();
        foreach (string table in await DependencyOrderAsync(postgres, postgresTables, cancellationToken).ConfigureAwait(false))
        {
            if (!sqliteTables.Contains(table))
            {
                notes.Add($"{table}: no SQLite counterpart (added by a later PostgreSQL migration); skipped.");
                continue;
            }

            CopyTable? described = await DescribeAsync(sqlite, postgres, table, notes, cancellationToken).ConfigureAwait(false);
            if (described is not null)
            {
                tables.Add(described);
            }
        }

        return (tables, notes);
    }

    private static async Task<CopyTable?> DescribeAsync(
        SqliteConnection sqlite, NpgsqlConnection postgres, string table, List<string> notes, CancellationToken cancellationToken)
    {
        var sqliteColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = sqlite.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info($table)";
            command.Parameters.AddWithValue("$table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sqliteColumns.Add(reader.GetString(0));
            }
        }

        var columns = new List<CopyColumn>();
        await using (var command = new NpgsqlCommand("""
            SELECT column_name, udt_name, is_identity = 'YES' FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position
            """, postgres))
        {
            command.Parameters.AddWithValue("table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string name = reader.GetString(0);
                string type = reader.GetString(1);
                if (!sqliteColumns.Remove(name))
                {
                    notes.Add($"{table}.{name}: no SQLite counterpart; left to its default.");
                    continue;
                }

                columns.Add(CopyTable.DbTypeOf(type) is { } dbType
                    ? new CopyColumn(name, type, dbType, reader.GetBoolean(2))
                    : throw new StoreCopyException($"{table}.{name} has PostgreSQL type {type}, which the copy does not know."));
            }
        }

        foreach (string missing in sqliteColumns.Order(StringComparer.Ordinal))
        {
            notes.Add($"{table}.{missing}: only in SQLite; not copied.");
        }

        List<string> key = await ListAsync(postgres, """
            SELECT a.attname FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE i.indisprimary AND t.relname = @table AND n.nspname = current_schema()
            ORDER BY k.position
            """, table, cancellationToken).ConfigureAwait(false);
        List<CopyColumn> primaryKey = [.. key.Select(k => columns.Find(c => c.Name == k)).OfType<CopyColumn>()];
        if (primaryKey.Count == 0 || primaryKey.Count != key.Count)
        {
            notes.Add($"{table}: no primary key both sides have; skipped.");
            return null;
        }

        return new CopyTable(table, columns, primaryKey);
    }

    /// <summary>Tables ordered so that every table comes after those its foreign keys reference.</summary>
    private static async Task<List<string>> DependencyOrderAsync(NpgsqlConnection postgres, List<string> tables, CancellationToken cancellationToken)
    {
        var parents = tables.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT child.relname, parent.relname FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid
            JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """, postgres))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string child = reader.GetString(0);
                string parent = reader.GetString(1);
                if (parents.TryGetValue(child, out var of) && parents.ContainsKey(parent) && child != parent)
                {
                    of.Add(parent);
                }
            }
        }

        var ordered = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < tables.Count)
        {
            string next = tables.FirstOrDefault(t => !done.Contains(t) && parents[t].IsSubsetOf(done))
                ?? throw new StoreCopyException("The PostgreSQL tables' foreign keys form a cycle; the copy cannot order them.");
            ordered.Add(next);
            done.Add(next);
        }

        return ordered;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, string? table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (table is not null)
        {
            command.Parameters.AddWithValue("table", table);
        }

        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
