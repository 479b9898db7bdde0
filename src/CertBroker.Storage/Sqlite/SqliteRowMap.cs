using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// How a row type is read from a result by column name: <see cref="Resolve"/> looks every column's ordinal up once
/// per statement, and <see cref="Read"/> then reads each row by those ordinals. A column the statement does not
/// select fails on its first use instead of reading its neighbour's value.
/// </summary>
/// <typeparam name="TOrdinals">The ordinals of the row type's columns, one field per column.</typeparam>
internal sealed class SqliteRowMap<TOrdinals, TRow>(
    Func<SqliteDataReader, TOrdinals> resolve, Func<SqliteDataReader, TOrdinals, TRow> read)
    where TOrdinals : class
{
    public TOrdinals Resolve(SqliteDataReader reader) => resolve(reader);

    public TRow Read(SqliteDataReader reader, TOrdinals ordinals) => read(reader, ordinals);

    /// <summary>Reads every row of a statement run once (not kept prepared), resolving the ordinals for it.</summary>
    public List<TRow> ReadAll(SqliteDataReader reader)
    {
        var rows = new List<TRow>();
        TOrdinals? ordinals = null;
        while (reader.Read())
        {
            ordinals ??= resolve(reader);
            rows.Add(read(reader, ordinals));
        }

        return rows;
    }
}
