using CertBroker.Server.Hosting;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace CertBroker.Server.Tests.Monitoring;

public sealed class FormatOnceTests
{
    [Fact]
    public void Format_SameEventForTwoSinks_FormatsOnceAndWritesTheSameLine()
    {
        var counting = new CountingFormatter();
        var formatter = new FormatOnce(counting);
        LogEvent logEvent = Event("first");
        var (console, file) = (new StringWriter(), new StringWriter());

        formatter.Format(logEvent, console);
        formatter.Format(logEvent, file);

        Assert.Equal(1, counting.Calls);
        Assert.Equal(Json(logEvent), console.ToString());
        Assert.Equal(console.ToString(), file.ToString());
    }

    [Fact]
    public void Format_NextEvent_IsFormattedAfresh()
    {
        var counting = new CountingFormatter();
        var formatter = new FormatOnce(counting);
        var output = new StringWriter();

        formatter.Format(Event("first"), output);
        formatter.Format(Event("second"), output);

        Assert.Equal(2, counting.Calls);
        Assert.Contains("first", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("second", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_TwoFormattersOnOneThread_EachUsesItsOwnFormat()
    {
        LogEvent logEvent = Event("shared");
        var (json, upper) = (new FormatOnce(new JsonFormatter()), new FormatOnce(new UpperCaseFormatter()));
        var (first, second) = (new StringWriter(), new StringWriter());

        json.Format(logEvent, first);
        upper.Format(logEvent, second);

        Assert.Equal(Json(logEvent), first.ToString());
        Assert.Equal("SHARED", second.ToString());
    }

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text), []);

    private static string Json(LogEvent logEvent)
    {
        var expected = new StringWriter();
        new JsonFormatter().Format(logEvent, expected);
        return expected.ToString();
    }

    private sealed class CountingFormatter : ITextFormatter
    {
        private readonly JsonFormatter _json = new();

        public int Calls { get; private set; }

        public void Format(LogEvent logEvent, TextWriter output)
        {
            Calls++;
            _json.Format(logEvent, output);
        }
    }

    private sealed class UpperCaseFormatter : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output) => output.Write(logEvent.MessageTemplate.Text.ToUpperInvariant());
    }
}
