using System.Text;
using CertBroker.Server.Syslog;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Syslog;

public sealed class SyslogMessageTests
{
    private static readonly SyslogOrigin Origin = new(SyslogFacility.AuthPriv, "broker01.example.net", "certbroker", "4242", "certbroker@32473");

    // 10:26:53.1234567 at UTC+1, so the message must show 09:26:53 and cut (not round) to six fraction digits.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 14, 10, 26, 53, TimeSpan.FromHours(1)).AddTicks(1_234_567));

    [Fact]
    public void Format_IssuedEvent_WritesHeaderStructuredDataAndUtf8Text()
    {
        var issued = new SyslogEvent
        {
            Timestamp = _clock.GetUtcNow(),
            Severity = SyslogSeverity.Informational,
            MessageId = "EnrolmentIssued",
            Message = "Certificate issued to printer-7",
            Fields = new Dictionary<string, string?>
            {
                ["event"] = "EnrolmentIssued",
                ["actor"] = "printer-7",
                ["outcome"] = "success",
                ["profile"] = "printers",
                ["transactionId"] = "5A1B",
                ["serial"] = "01AF",
            },
        };

        byte[] bytes = SyslogMessage.Format(issued, Origin, 2048);

        string expected = "<86>1 2026-03-14T09:26:53.123456Z broker01.example.net certbroker 4242 EnrolmentIssued "
            + "[certbroker@32473 event=\"EnrolmentIssued\" actor=\"printer-7\" outcome=\"success\" profile=\"printers\" "
            + "transactionId=\"5A1B\" serial=\"01AF\"] \uFEFFCertificate issued to printer-7";
        Assert.Equal(expected, Encoding.UTF8.GetString(bytes));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.AsSpan(bytes.Length - "Certificate issued to printer-7".Length - 3, 3).ToArray());
    }

    [Theory]
    [InlineData(SyslogFacility.AuthPriv, SyslogSeverity.Informational, 86)]
    [InlineData(SyslogFacility.AuthPriv, SyslogSeverity.Warning, 84)]
    [InlineData(SyslogFacility.Local0, SyslogSeverity.Notice, 133)]
    [InlineData(SyslogFacility.Local7, SyslogSeverity.Debug, 191)]
    [InlineData(SyslogFacility.Kernel, SyslogSeverity.Emergency, 0)]
    public void Format_FacilityAndSeverity_EncodesPriority(SyslogFacility facility, SyslogSeverity severity, int priority)
    {
        byte[] bytes = SyslogMessage.Format(Event(severity), Origin with { Facility = facility }, 2048);

        Assert.Equal(priority, ParsedSyslogMessage.Parse(bytes).Priority);
    }

    [Fact]
    public void Format_ValuesWithQuoteBackslashAndBracket_EscapesThemAndReadsBackUnchanged()
    {
        const string subject = "CN=Tricky \"quoted\" \\ back]slash, O=Jürgen & Søn";
        SyslogEvent tricky = Event() with { Fields = new Dictionary<string, string?> { ["subject"] = subject } };

        byte[] bytes = SyslogMessage.Format(tricky, Origin, 2048);

        Assert.Contains("subject=\"CN=Tricky \\\"quoted\\\" \\\\ back\\]slash, O=Jürgen & Søn\"]", Encoding.UTF8.GetString(bytes));
        Assert.Equal(subject, ParsedSyslogMessage.Parse(bytes)["subject"]);
    }

    [Fact]
    public void Format_CnWithNewlineAndForgedHeader_StaysOneLineWithTheLineBreakEscaped()
    {
        // What a device can put in its CSR's CN: a line break, then what a text receiver would take for a new message.
        const string hostile = "door-7\n<36>1 2026-03-14T09:26:53Z broker01 certbroker - EnrolmentIssued - forged\r\0end";
        SyslogEvent issued = Event() with
        {
            Message = "Certificate issued to CN=" + hostile,
            Fields = new Dictionary<string, string?> { ["subject"] = "CN=" + hostile },
        };

        byte[] bytes = SyslogMessage.Format(issued, Origin, 2048);

        Assert.DoesNotContain(bytes, b => b < 0x20 || b == 0x7F);
        ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(bytes);
        const string escaped = "door-7#012<36>1 2026-03-14T09:26:53Z broker01 certbroker - EnrolmentIssued - forged#015#000end";
        Assert.Equal("Certificate issued to CN=" + escaped, parsed.Message);
        Assert.Equal("CN=" + escaped, parsed["subject"]);
    }

    [Theory]
    [InlineData("a\tb", "a#011b")]
    [InlineData("\u001b[31mred", "#033[31mred")]
    [InlineData("del\u007f", "del#177")]
    [InlineData("nel\u0085", "nel#205")]
    [InlineData("ls\u2028ps\u2029", "ls#20050ps#20051")]
    [InlineData("Jürgen & Søn #1", "Jürgen & Søn #1")]
    public void Format_ControlCharacterInText_IsWrittenAsHashAndOctal(string text, string expected)
    {
        ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(SyslogMessage.Format(Event() with { Message = text }, Origin, 2048));

        Assert.Equal(expected, parsed.Message);
    }

    [Fact]
    public void Format_ParamValueWithControlCharactersAndRfcSpecials_EscapesBoth()
    {
        SyslogEvent tricky = Event() with { Fields = new Dictionary<string, string?> { ["subject"] = "CN=a\"]\n\\" } };

        string text = Encoding.UTF8.GetString(SyslogMessage.Format(tricky, Origin, 2048));

        Assert.Contains("subject=\"CN=a\\\"\\]#012\\\\\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NoFieldsNoTextNoTime_UsesNilValuesAndNoTrailingSpace()
    {
        var bare = new SyslogEvent { Timestamp = default, Severity = SyslogSeverity.Notice, MessageId = "" };

        byte[] bytes = SyslogMessage.Format(bare, Origin with { ProcId = "" }, 2048);

        Assert.Equal("<85>1 - broker01.example.net certbroker - - -", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Format_NullFieldValue_LeavesParameterOutButKeepsEmptyOne()
    {
        SyslogEvent partial = Event() with { Fields = new Dictionary<string, string?> { ["reason"] = null, ["actor"] = "" } };

        ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(SyslogMessage.Format(partial, Origin, 2048));

        Assert.Equal(new KeyValuePair<string, string>("actor", ""), Assert.Single(parsed.Parameters));
    }

    [Fact]
    public void Format_HeaderFieldsTooLongOrWithSpaces_AreCutAndMadePrintable()
    {
        SyslogOrigin untidy = Origin with { Hostname = new string('h', 300), AppName = "cert broker" };
        SyslogEvent odd = Event() with
        {
            MessageId = "Enrolment Rejected By A Very Long Policy Name",
            Fields = new Dictionary<string, string?> { ["bad name=\"x\"]"] = "1", ["this-parameter-name-is-longer-than-32"] = "2" },
        };

        ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(SyslogMessage.Format(odd, untidy, 2048));

        Assert.Equal(new string('h', 255), parsed.Hostname);
        Assert.Equal("cert_broker", parsed.AppName);
        Assert.Equal("Enrolment_Rejected_By_A_Very_Lon", parsed.MessageId);
        Assert.Equal(new[] { "bad_name__x__", "this-parameter-name-is-longer-th" }, parsed.Parameters.Select(p => p.Key));
    }

    [Fact]
    public void Format_TextLongerThanLimit_CutsOnCharacterBoundaryAndKeepsParameters()
    {
        // 'é' is two octets and '😀' four: a cut in the middle of either would make the message invalid UTF-8.
        string text = string.Concat(Enumerable.Repeat("é😀x", 1000));
        SyslogEvent verbose = Event() with { Message = text };

        for (int limit = 1024; limit < 1040; limit++)
        {
            byte[] bytes = SyslogMessage.Format(verbose, Origin, limit);

            Assert.InRange(bytes.Length, limit - 3, limit);
            ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(bytes);
            Assert.True(parsed.MessageHasBom);
            Assert.StartsWith(parsed.Message!, text, StringComparison.Ordinal);
            Assert.Equal("EnrolmentIssued", parsed["event"]);
        }
    }

    [Fact]
    public void Format_ParameterLargerThanLimit_LeavesItOutAndKeepsTheOthers()
    {
        SyslogEvent huge = Event() with
        {
            Message = "Certificate issued",
            Fields = new Dictionary<string, string?>
            {
                ["event"] = "EnrolmentIssued",
                ["subject"] = "CN=" + new string('x', 3000),
                ["outcome"] = "success",
            },
        };

        byte[] bytes = SyslogMessage.Format(huge, Origin, 1024);

        Assert.True(bytes.Length <= 1024);
        ParsedSyslogMessage parsed = ParsedSyslogMessage.Parse(bytes);
        Assert.Equal(new[] { "event", "outcome" }, parsed.Parameters.Select(p => p.Key));
        Assert.Equal("Certificate issued", parsed.Message);
    }

    private SyslogEvent Event(SyslogSeverity severity = SyslogSeverity.Informational) => new()
    {
        Timestamp = _clock.GetUtcNow(),
        Severity = severity,
        MessageId = "EnrolmentIssued",
        Fields = new Dictionary<string, string?> { ["event"] = "EnrolmentIssued" },
    };
}
