using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Records a refused renewal on the certificate that signed it, inside the refusal's own write, so the inventory
/// can show a device that is overdue together with why its last renewal failed. Refusals are rare, so this is not
/// kept prepared.
/// </summary>
internal static class SqliteRenewalAttempts
{
    public static void Record(SqliteConnection connection, string serial, long at, string result) =>
        connection.Execute(
            "UPDATE certificates SET last_renewal_attempt_at = @At, last_renewal_result = @Result WHERE serial = @Serial",
            new { Serial = serial, At = at, Result = result });
}
