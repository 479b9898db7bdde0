using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>One sample line of the text exposition format.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out string? value) ? value : "";
}

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, as a scraper would parse it: HELP then TYPE before a
/// family's samples, each family once, samples of a family together, label values unescaped.
/// </summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(List<PrometheusSample> samples, Dictionary<string, string> types, Dictionary<string, string> help)
    {
        Samples = samples;
        Types = types;
        Help = help;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>();
        var help = new Dictionary<string, string>();
        var finished = new HashSet<string>();
        string? current = null;
        foreach (string line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', 4);
                Assert.True(help.TryAdd(parts[2], parts.Length > 3 ? parts[3] : ""), $"HELP twice for {parts[2]}");
                if (current is not null)
                {
                    finished.Add(current);
                }

                current = parts[2];
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                Assert.Equal(current, parts[2]);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(types.TryAdd(parts[2], parts[3]), $"TYPE twice for {parts[2]}");
                continue;
            }

            Match match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a sample line: {line}");
            string name = match.Groups["name"].Value;
            string family = Family(name, types);
            Assert.True(family == current && types.ContainsKey(family), $"{name} outside its family's block (HELP/TYPE first, samples together)");
            Assert.DoesNotContain(family, finished);
            samples.Add(new PrometheusSample(name, Labels(match.Groups["labels"].Value), ParseValue(match.Groups["value"].Value)));
        }

        return new PrometheusText(samples, types, help);
    }

    private static string Family(string name, Dictionary<string, string> types)
    {
        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(name[..^suffix.Length]) == "histogram")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Reads <c>name="value",...</c> with the escapes \\, \" and \n, failing on anything else.</summary>
    private static Dictionary<string, string> Labels(string text)
    {
        var labels = new Dictionary<string, string>();
        int i = 0;
        while (i < text.Length)
        {
            int equals = text.IndexOf('=', i);
            string name = text[i..equals];
            Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", name);
            Assert.Equal('"', text[equals + 1]);
            var value = new StringBuilder();
            i = equals + 2;
            while (text[i] != '"')
            {
                if (text[i] == '\\')
                {
                    value.Append(text[i + 1] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        _ => throw new FormatException($"Bad escape in {text}"),
                    });
                    i += 2;
                }
                else
                {
                    Assert.NotEqual('\n', text[i]);
                    value.Append(text[i++]);
                }
            }

            Assert.True(labels.TryAdd(name, value.ToString()), $"Label {name} twice");
            i++;
            if (i < text.Length)
            {
                Assert.Equal(',', text[i]);
                i++;
            }
        }

        return labels;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();
}
