using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// A statement's text next to how <typeparamref name="TArgs"/> fills its parameters, so the two cannot drift apart.
/// Each connection that runs it holds one <see cref="PreparedCommand{TArgs}"/> made by <see cref="PrepareOn"/>.
/// </summary>
internal sealed class SqliteStatement<TArgs>(string sql, params (string Name, Func<TArgs, object?> Value)[] parameters)
{
    public string Sql { get; } = sql;

    public PreparedCommand<TArgs> PrepareOn(SqliteConnection connection) => new(connection, Sql, parameters);
}

/// <summary>
/// One command kept for the life of its connection. Microsoft.Data.Sqlite prepares a command's statement on its
/// first execution and keeps it while the text and connection stay the same, so later calls only rebind values:
/// no SQL is parsed again. Not thread-safe; it belongs to whoever holds the connection.
/// </summary>
internal sealed class PreparedCommand<TArgs> : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;
    private readonly Func<TArgs, object?>[] _values;

    // The statement's column ordinals, looked up by name on its first read; a command reads one row type only.
    private object? _ordinals;

    public PreparedCommand(SqliteConnection connection, string sql, (string Name, Func<TArgs, object?> Value)[] parameters)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters = new SqliteParameter[parameters.Length];
        _values = new Func<TArgs, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            _parameters[i] = _command.Parameters.Add(new SqliteParameter { ParameterName = parameters[i].Name });
            _values[i] = parameters[i].Value;
        }
    }

    /// <returns>The number of rows inserted, updated or deleted.</returns>
    public int ExecuteNonQuery(TArgs args)
    {
        Bind(args);
        return _command.ExecuteNonQuery();
    }

    /// <summary>Reads the first row, if any; the statements using this are keyed on a unique column.</summary>
    public bool TryQuerySingle<TOrdinals, TResult>(
        TArgs args, SqliteRowMap<TOrdinals, TResult> map, [MaybeNullWhen(false)] out TResult result)
        where TOrdinals : class
    {
        Bind(args);
        // Disposing the reader resets the statement, which ends its read transaction: an idle connection must not
        // hold back write-ahead-log checkpoints.
        using var reader = _command.ExecuteReader();
        if (!reader.Read())
        {
            result = default;
            return false;
        }

        result = map.Read(reader, Ordinals(reader, map));
        return true;
    }

    public List<TResult> Query<TOrdinals, TResult>(TArgs args, SqliteRowMap<TOrdinals, TResult> map)
        where TOrdinals : class
    {
        Bind(args);
        using var reader = _command.ExecuteReader();
        var results = new List<TResult>();
        while (reader.Read())
        {
            results.Add(map.Read(reader, Ordinals(reader, map)));
        }

        return results;
    }

    public void Dispose() => _command.Dispose();

    private TOrdinals Ordinals<TOrdinals, TResult>(SqliteDataReader reader, SqliteRowMap<TOrdinals, TResult> map)
        where TOrdinals : class =>
        _ordinals as TOrdinals ?? (TOrdinals)(_ordinals = map.Resolve(reader));

    private void Bind(TArgs args)
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Value = _values[i](args) ?? DBNull.Value;
        }
    }
}
