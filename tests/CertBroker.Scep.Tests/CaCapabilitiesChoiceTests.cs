using System.Security.Cryptography;

namespace CertBroker.Scep.Tests;

/// <summary>The client's choice from a CA's GetCACaps (RFC 8894 §3.5.2), as the broker makes it towards an upstream.</summary>
public sealed class CaCapabilitiesChoiceTests
{
    [Theory]
    [InlineData("AES\nDES3", "AES-128-CBC")]
    [InlineData("SCEPStandard", "AES-128-CBC")]
    [InlineData("DES3\r\nSHA-1", "3DES-CBC")]
    [InlineData("", "DES-CBC")]
    public void StrongestCipher_Capabilities_PicksTheStrongestAdvertised(string capabilities, string expected)
    {
        Assert.Equal(expected, CaCapabilities.StrongestCipher(CaCapabilities.Parse(capabilities)).Name);
    }

    [Theory]
    [InlineData("SHA-1\nSHA-256\nSHA-512", "SHA512")]
    [InlineData("sha-256", "SHA256")]
    [InlineData("SCEPStandard", "SHA256")]
    [InlineData("SHA-1", "SHA1")]
    [InlineData("", "SHA1")]
    public void StrongestDigest_Capabilities_PicksTheStrongestAdvertised(string capabilities, string expected)
    {
        Assert.Equal(new HashAlgorithmName(expected), CaCapabilities.StrongestDigest(CaCapabilities.Parse(capabilities)));
    }

    [Theory]
    [InlineData("POSTPKIOperation", true)]
    [InlineData("SCEPStandard", true)]
    [InlineData("AES\nSHA-256", false)]
    public void AllowsPost_Capabilities_OnlyWhenAdvertised(string capabilities, bool expected)
    {
        Assert.Equal(expected, CaCapabilities.AllowsPost(CaCapabilities.Parse(capabilities)));
    }
}
