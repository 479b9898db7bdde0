using System.Text;
using CertBroker.Server.Monitoring;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>The hand-written exposition: label escaping, number syntax, histogram buckets and counter naming.</summary>
public sealed class InstrumentTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", "two\\nlines")]
    public void EscapeLabelValue_EscapesBackslashQuoteAndLineFeed(string value, string escaped) =>
        Assert.Equal(escaped, PrometheusTextWriter.EscapeLabelValue(value));

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1767225600d, "1767225600")]
    [InlineData(0.25, "0.25")]
    public void Format_GoFloatSyntax(double value, string text) => Assert.Equal(text, PrometheusTextWriter.Format(value));

    [Fact]
    public async Task Histogram_ObservationsOnABound_CountInThatBucket_CumulativeToInf()
    {
        var histogram = new Histogram("certbroker_test_duration_seconds", "Test.", [0.1, 1], "operation");
        histogram.Observe(new LabelValues("x"), 0.1);
        histogram.Observe(new LabelValues("x"), 0.5);
        histogram.Observe(new LabelValues("x"), 7);

        PrometheusText text = await WriteAsync(histogram);

        Assert.Equal([1d, 2d, 3d], text.Named("certbroker_test_duration_seconds_bucket").Select(s => s.Value));
        Assert.Equal(["0.1", "1", "+Inf"], text.Named("certbroker_test_duration_seconds_bucket").Select(s => s.Label("le")));
        Assert.Equal(7.6, Assert.Single(text.Named("certbroker_test_duration_seconds_sum")).Value, 6);
        Assert.Equal(3, Assert.Single(text.Named("certbroker_test_duration_seconds_count")).Value);
    }

    [Fact]
    public async Task Counter_ConcurrentIncrements_AllCounted()
    {
        var counter = new Counter("certbroker_test_events_total", "Test.", "kind");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                counter.Increment(new LabelValues(i % 2 == 0 ? "even" : "odd"));
            }
        })));

        PrometheusText text = await WriteAsync(counter);

        Assert.Equal([40_000d, 40_000d], text.Named("certbroker_test_events_total").Select(s => s.Value));
    }

    [Fact]
    public void Counter_NameWithoutTotal_Refused() =>
        Assert.Throws<ArgumentException>(() => new Counter("certbroker_test_events", "Test."));

    private static async Task<PrometheusText> WriteAsync(Instrument instrument)
    {
        var output = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        await instrument.WriteAsync(new PrometheusTextWriter(output));
        return PrometheusText.Parse(output.ToString());
    }
}
