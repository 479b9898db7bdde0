using System.Globalization;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Admin;

/// <summary>The audit trail's CSV export: one row per event, in <see cref="Csv"/>'s dialect.</summary>
internal static class AuditCsv
{
    public static readonly string[] Header =
        ["id", "time", "action", "outcome", "actor", "source_address", "target", "profile", "details"];

    /// <summary>The header row, CRLF-terminated.</summary>
    public static string HeaderRow() => Csv.Record(Header);

    /// <summary>The row of <paramref name="stored"/>, CRLF-terminated; times in UTC with microseconds.</summary>
    public static string Row(StoredAuditEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        AuditEvent e = stored.Event;
        return Csv.Record(
        [
            stored.Id.ToString(CultureInfo.InvariantCulture),
            e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            e.Action,
            e.Outcome.ToString(),
            e.Actor,
            e.SourceAddress,
            e.Target,
            e.Profile,
            e.Details,
        ]);
    }
}
