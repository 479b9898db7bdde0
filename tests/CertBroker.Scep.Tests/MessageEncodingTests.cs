namespace CertBroker.Scep.Tests;

public sealed class MessageEncodingTests
{
    private static readonly byte[] Sample = [0xfb, 0xef, 0xff, 0x00, 0x10, 0x83, 0x3e];

    [Theory]
    [InlineData("++//ABCDPg==")] // '+' left raw
    [InlineData("%2B%2B%2F%2FABCDPg%3D%3D")] // fully escaped
    [InlineData("++//AB%0ACDPg==")] // escaped line break
    [InlineData("++//AB\nCDPg")] // raw line break, no padding
    [InlineData("--__ABCDPg")] // URL-safe alphabet
    public void DecodeQueryValue_ShapesClientsSend_DecodeToTheSameBytes(string raw)
    {
        Assert.Equal(Sample, MessageEncoding.DecodeQueryValue(raw, 1024));
    }

    [Fact]
    public void DecodeQueryValue_NotBase64_ReturnsNull()
    {
        Assert.Null(MessageEncoding.DecodeQueryValue("not*base64!", 1024));
    }

    [Fact]
    public void DecodeQueryValue_LargerThanTheLimit_ReturnsNull()
    {
        string raw = Convert.ToBase64String(new byte[2000]);
        Assert.Null(MessageEncoding.DecodeQueryValue(raw, 1024));
        Assert.NotNull(MessageEncoding.DecodeQueryValue(raw, 2000));
    }

    [Fact]
    public void EncodeQueryValue_RoundTrips()
    {
        Assert.Equal(Sample, MessageEncoding.DecodeQueryValue(MessageEncoding.EncodeQueryValue(Sample), 1024));
    }
}
