using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Records a refused renewal on the certificate that signed it, inside the refusal's own transaction, so the
/// inventory can show a device that is overdue together with why its last renewal failed.
/// </summary>
internal static class PostgresRenewalAttempts
{
    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string serial, long at, string result) =>
        connection.ExecuteAsync(
            "UPDATE certificates SET last_renewal_attempt_at = @At, last_renewal_result = @Result WHERE serial = @Serial::citext",
            new { Serial = serial, At = at, Result = result },
            transaction);
}
