using NpgsqlTypes;

namespace CertBroker.Storage.Copy;

/// <summary>A column both databases have: its name and the PostgreSQL type values are written as.</summary>
internal sealed record CopyColumn(string Name, string PostgresType, NpgsqlDbType DbType, bool IsIdentity)
{
    public bool IsInteger => DbType is NpgsqlDbType.Bigint or NpgsqlDbType.Integer or NpgsqlDbType.Smallint;

    /// <summary>The name as an SQL identifier, quoted the way both databases accept.</summary>
    public string Sql => CopyTable.Quote(Name);
}

/// <summary>A table <see cref="StoreCopy"/> copies: the columns both sides have, in PostgreSQL's order, and its primary key.</summary>
internal sealed record CopyTable(string Name, IReadOnlyList<CopyColumn> Columns, IReadOnlyList<CopyColumn> PrimaryKey)
{
    public string Sql => Quote(Name);

    public string ColumnList => string.Join(", ", Columns.Select(c => c.Sql));

    /// <summary>
    /// Primary-key order for SQLite. Text keys compare as bytes on both sides (SQLite's BINARY, PostgreSQL's "C"),
    /// whatever collation the column has for lookups, so both sides list the rows in the same order.
    /// </summary>
    public string SqliteOrder => string.Join(", ", PrimaryKey.Select(c => c.IsInteger ? c.Sql : c.Sql + " COLLATE BINARY"));

    public string PostgresOrder => string.Join(", ", PrimaryKey.Select(c => c.IsInteger ? c.Sql : c.Sql + "::text COLLATE \"C\""));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The Npgsql type a PostgreSQL column's values are written as in binary COPY; null for a type the store does not use.</summary>
    public static NpgsqlDbType? DbTypeOf(string udtName) => udtName switch
    {
        "int8" => NpgsqlDbType.Bigint,
        "int4" => NpgsqlDbType.Integer,
        "int2" => NpgsqlDbType.Smallint,
        "text" => NpgsqlDbType.Text,
        "varchar" => NpgsqlDbType.Varchar,
        "citext" => NpgsqlDbType.Citext,
        "bytea" => NpgsqlDbType.Bytea,
        "bool" => NpgsqlDbType.Boolean,
        "float8" => NpgsqlDbType.Double,
        _ => null,
    };
}
