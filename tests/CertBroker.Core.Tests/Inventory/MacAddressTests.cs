using CertBroker.Core.Inventory;

namespace CertBroker.Core.Tests.Inventory;

public sealed class MacAddressTests
{
    [Theory]
    [InlineData("00:1A:2B:3C:4D:5E")]
    [InlineData("00-1a-2b-3c-4d-5e")]
    [InlineData("001a.2b3c.4d5e")]
    [InlineData("001A2B3C4D5E")]
    [InlineData(" 00:1a:2b:3c:4d:5e ")]
    public void TryNormalize_CommonSpellings_GiveLowerCaseColonForm(string value)
    {
        Assert.True(MacAddress.TryNormalize(value, out string? normalized));
        Assert.Equal("00:1a:2b:3c:4d:5e", normalized);
    }

    [Theory]
    [InlineData("00:1a:2b:3c:4d")]
    [InlineData("00:1a:2b:3c:4d:5e:6f")]
    [InlineData("0:01a:2b:3c:4d:5e")]
    [InlineData("00:1a-2b:3c-4d:5e")]
    [InlineData("zz:1a:2b:3c:4d:5e")]
    [InlineData("printer-7")]
    [InlineData("")]
    public void TryNormalize_NotAMacAddress_Refused(string value) => Assert.False(MacAddress.TryNormalize(value, out _));
}
