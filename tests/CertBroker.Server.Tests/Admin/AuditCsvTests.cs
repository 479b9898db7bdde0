using CertBroker.Core.Audit;
using CertBroker.Server.Admin;

namespace CertBroker.Server.Tests.Admin;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    // A record of one empty field is "" rather than an empty line, which readers skip.
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"no\"", "\"say \"\"no\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tindent", "'\tindent")]
    [InlineData("a=b", "a=b")]
    public void Record_Value_QuotedAndDefusedAsNeeded(string? value, string expected)
    {
        Assert.Equal(expected + "\r\n", Csv.Record([value]));
    }

    [Fact]
    public void Row_StoredEvent_AllColumnsInHeaderOrderWithCrLf()
    {
        var stored = new StoredAuditEvent(42, new AuditEvent
        {
            Time = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234560),
            Action = AuditActions.LoginFailed,
            Outcome = AuditOutcome.Failure,
            Actor = "anonymous",
            SourceAddress = "192.0.2.7",
            Target = "=cmd|' /C calc'!A0",
            Details = "Wrong password.",
        });

        Assert.Equal("id,time,action,outcome,actor,source_address,target,profile,details\r\n", AuditCsv.HeaderRow());
        Assert.Equal(
            "42,2026-03-01T09:00:00.123456Z,auth.login-failed,Failure,anonymous,192.0.2.7,'=cmd|' /C calc'!A0,,Wrong password.\r\n",
            AuditCsv.Row(stored));
    }
}
