using System.Globalization;
using System.Text;

namespace CertBroker.Core.Audit;

/// <summary>
/// Writes audit events as CSV: RFC 4180 (comma-separated, CRLF line ends, a header row, fields with commas, quotes or
/// line breaks quoted with inner quotes doubled), safe to open in a spreadsheet.
/// </summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string[] Header =
        ["id", "time", "action", "outcome", "actor", "source_address", "target", "profile", "details"];

    /// <summary>The header row, CRLF-terminated.</summary>
    public static string HeaderRow() => Row(Header);

    /// <summary>The row of <paramref name="stored"/>, CRLF-terminated; times in UTC with microseconds.</summary>
    public static string Row(StoredAuditEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        AuditEvent e = stored.Event;
        return Row(
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

    /// <summary>One record, CRLF-terminated.</summary>
    public static string Row(IEnumerable<string?> fields)
    {
        var line = new StringBuilder();
        foreach (string? field in fields)
        {
            if (line.Length > 0)
            {
                line.Append(',');
            }

            line.Append(Field(field));
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>
    /// One field. Text a spreadsheet would take for a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab
    /// or carriage return; CWE-1236) gets a leading <c>'</c>, so a user name or rejection reason chosen by an attacker
    /// stays text. Audit values come partly from clients (user names tried, device subjects), hence the care.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        bool quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        return quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
