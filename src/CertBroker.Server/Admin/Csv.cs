using System.Globalization;
using System.Text;
using CsvHelper;

namespace CertBroker.Server.Admin;

/// <summary>
/// The broker's one CSV dialect, read and written with CsvHelper: RFC 4180, CRLF between records, fields quoted only
/// when they hold a comma, quote or line break. Cells a spreadsheet would run as a formula (starting with =, +, -, @,
/// tab or CR; CWE-1236) get a leading apostrophe, as OWASP advises, and the reader takes it off again: device
/// subjects and user names tried come from clients.
/// </summary>
internal static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    // The apostrophe is ours (Defuse), not CsvHelper's injection escape, so that the reader can undo exactly it.
    private static readonly CsvWriterOptions WriterOptions = new()
    {
        NewLine = "\r\n",
        HasHeader = false,
        Quoting = CsvQuoting.WhenNeeded,
        Injection = CsvInjection.None,
        ValidateFieldCount = false,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        HasHeader = false,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>One record, CRLF-terminated.</summary>
    public static string Record(IEnumerable<string?> fields)
    {
        var output = new StringBuilder();
        WriteRecord(output, fields);
        return output.ToString();
    }

    public static void WriteRecord(StringBuilder output, IEnumerable<string?> fields)
    {
        using var text = new StringWriter(output, CultureInfo.InvariantCulture);
        using CsvWriter writer = CsvWriter.Create(text, WriterOptions, true);
        foreach (string? field in fields)
        {
            writer.WriteField(Defuse(field ?? ""));
        }

        writer.EndRecord();
        writer.Flush();
    }

    /// <summary>Reads records; a quoted field may hold commas, doubled quotes and line breaks.</summary>
    /// <exception cref="FormatException">A quote is not closed, or text follows a closing quote.</exception>
    public static List<string[]> Read(string text)
    {
        var records = new List<string[]>();
        using CsvReader reader = CsvReader.FromText(text, ReaderOptions);
        while (reader.Read())
        {
            records.Add([.. reader.Current.ToArray().Select(Undefuse)]);
        }

        return records;
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static string Defuse(string value) => value.Length > 0 && IsFormulaStart(value[0]) ? "'" + value : value;

    private static string Undefuse(string value) => value.Length > 1 && value[0] == '\'' && IsFormulaStart(value[1]) ? value[1..] : value;
}
