using System.Text;
using CertBroker.Server.Admin;

namespace CertBroker.Server.Tests.Admin;

/// <summary>RFC 4180 quoting and the formula-injection guard of the device CSV.</summary>
public sealed class CsvTests
{
    [Fact]
    public void WriteThenRead_AwkwardFields_RoundTrip()
    {
        string[] fields = ["plain", "with, comma", "with \"quotes\"", "two\r\nlines", "", "=SUM(A1:A2)", "-5", "@cmd", "+1"];
        var output = new StringBuilder();

        Csv.WriteRecord(output, fields);

        Assert.Equal(fields, Assert.Single(Csv.Read(output.ToString())));
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+49 30 1234", "'+49 30 1234")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("a=b", "a=b")]
    public void WriteRecord_FormulaStart_GetsApostrophe(string value, string written)
    {
        var output = new StringBuilder();

        Csv.WriteRecord(output, [value]);

        Assert.Equal(written + "\r\n", output.ToString());
    }

    [Theory]
    [InlineData("a,\"b")]
    [InlineData("a,\"b\"c")]
    public void Read_BrokenQuoting_Throws(string text) => Assert.ThrowsAny<FormatException>(() => Csv.Read(text));

    [Fact]
    public void Read_LfLineEndsAndTrailingEmptyLine_GiveOneRecordPerLine()
    {
        List<string[]> records = Csv.Read("a,b\nc,d\n\n");

        Assert.Equal([["a", "b"], ["c", "d"]], records);
    }
}
