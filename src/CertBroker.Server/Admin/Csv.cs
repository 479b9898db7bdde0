using System.Text;

namespace CertBroker.Server.Admin;

/// <summary>
/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled, CRLF between records. Cells
/// that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) are written with a leading
/// apostrophe, as OWASP advises against CSV injection; the reader takes that apostrophe off again.
/// </summary>
internal static class Csv
{
    public static void WriteRecord(StringBuilder output, IEnumerable<string?> fields)
    {
        bool first = true;
        foreach (string? field in fields)
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            string value = Defuse(field ?? "");
            if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                output.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                output.Append(value);
            }
        }

        output.Append("\r\n");
    }

    /// <summary>Reads records; a quoted field may hold commas, doubled quotes and line breaks.</summary>
    /// <exception cref="FormatException">A quote is not closed, or text follows a closing quote.</exception>
    public static List<string[]> Read(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        bool quoted = false;
        bool fieldStarted = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }

                if (c == '"')
                {
                    quoted = false;
                    i++;
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        throw new FormatException($"Text after a closing quote in record {records.Count + 1}.");
                    }

                    continue;
                }

                field.Append(c);
                i++;
                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(Undefuse(field.ToString()));
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }

            i++;
        }

        if (quoted)
        {
            throw new FormatException($"A quoted field in record {records.Count + 1} is not closed.");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || fields.Count > 0 || field.Length > 0)
            {
                fields.Add(Undefuse(field.ToString()));
                records.Add([.. fields]);
            }

            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static string Defuse(string value) => value.Length > 0 && IsFormulaStart(value[0]) ? "'" + value : value;

    private static string Undefuse(string value) => value.Length > 1 && value[0] == '\'' && IsFormulaStart(value[1]) ? value[1..] : value;
}
