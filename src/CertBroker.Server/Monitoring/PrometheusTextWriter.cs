using System.Globalization;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4: a <c># HELP</c> and <c># TYPE</c> line before each family's
/// samples, label values escaped (backslash, double quote, line feed), numbers in Go's float syntax (<c>+Inf</c>,
/// <c>NaN</c>). Writes straight to the response, so a large scrape is never held in memory. One scrape, one
/// writer: it reuses a line buffer.
/// </summary>
internal sealed class PrometheusTextWriter(TextWriter output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly System.Text.StringBuilder _line = new(256);

    /// <summary>Starts a family: <paramref name="type"/> is counter, gauge, histogram or untyped.</summary>
    public Task FamilyAsync(string name, string type, string help) =>
        output.WriteAsync($"# HELP {name} {EscapeHelp(help)}\n# TYPE {name} {type}\n");

    public Task SampleAsync(string name, double value) => output.WriteAsync($"{name} {Format(value)}\n");

    public Task SampleAsync(string name, ReadOnlySpan<(string Name, string? Value)> labels, double value)
    {
        System.Text.StringBuilder line = _line.Clear();
        line.Append(name).Append('{');
        for (int i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(labels[i].Name).Append("=\"");
            AppendEscaped(line, labels[i].Value ?? "");
            line.Append('"');
        }

        line.Append("} ").Append(Format(value)).Append('\n');
        return output.WriteAsync(line);
    }

    /// <summary>Values as Prometheus parses them: integers without exponent, +Inf, -Inf, NaN.</summary>
    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Label values escape backslash, double quote and line feed (exposition format 0.0.4).</summary>
    public static string EscapeLabelValue(string value)
    {
        var escaped = new System.Text.StringBuilder(value.Length);
        AppendEscaped(escaped, value);
        return escaped.ToString();
    }

    private static void AppendEscaped(System.Text.StringBuilder output, string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\':
                    output.Append("\\\\");
                    break;
                case '"':
                    output.Append("\\\"");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
