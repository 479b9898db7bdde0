using System.Collections.Concurrent;
using System.Reflection;
using Npgsql;
using NpgsqlTypes;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Named parameters from an object's properties for statements run in an <see cref="NpgsqlBatch"/>, which Dapper does
/// not drive. The properties of each type are looked up once.
/// </summary>
internal static class PostgresParameters
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>Adds <c>@{prefix}{Property}</c> for every public property of <paramref name="values"/>.</summary>
    public static void Add(NpgsqlParameterCollection parameters, object values, string prefix)
    {
        foreach (var property in Properties.GetOrAdd(values.GetType(), static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
        {
            var value = property.GetValue(values);
            parameters.Add(value is null
                ? new NpgsqlParameter(prefix + property.Name, TypeOfNull(property.PropertyType)) { Value = DBNull.Value }
                : new NpgsqlParameter(prefix + property.Name, value));
        }
    }

    // A null carries no type; PostgreSQL would infer one from the column, but a parameter used in two places (or in an
    // expression) needs it said.
    private static NpgsqlDbType TypeOfNull(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(long) => NpgsqlDbType.Bigint,
            var t when t == typeof(byte[]) => NpgsqlDbType.Bytea,
            var t when t == typeof(bool) => NpgsqlDbType.Boolean,
            _ => NpgsqlDbType.Text,
        };
}
