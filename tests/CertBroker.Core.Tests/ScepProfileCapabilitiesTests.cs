using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>GetCACaps keywords (RFC 8894 §3.5.2) as clients read them.</summary>
public sealed class ScepProfileCapabilitiesTests
{
    [Fact]
    public void Capabilities_Defaults_ListAesBeforeDes3()
    {
        IReadOnlyList<string> capabilities = Profile().Capabilities(hasNextCa: false);

        int aes = IndexOf(capabilities, CaCapabilities.Aes);
        int des3 = IndexOf(capabilities, CaCapabilities.Des3);
        Assert.True(aes < des3, string.Join(",", capabilities));
        Assert.Equal(0, aes); // certmonger takes the first cipher named
    }

    [Fact]
    public void Capabilities_CiphersConfiguredWeakestFirst_StillListAesFirst()
    {
        IReadOnlyList<string> capabilities = Profile(p => p.Ciphers = [CaCapabilities.Des3, CaCapabilities.Aes]).Capabilities(hasNextCa: false);

        Assert.True(IndexOf(capabilities, CaCapabilities.Aes) < IndexOf(capabilities, CaCapabilities.Des3), string.Join(",", capabilities));
    }

    [Fact]
    public void Capabilities_Defaults_AdvertisePostRenewalDigestsAndScepStandard()
    {
        IReadOnlyList<string> capabilities = Profile().Capabilities(hasNextCa: false);

        Assert.Contains(CaCapabilities.PostPkiOperation, capabilities);
        Assert.Contains(CaCapabilities.Renewal, capabilities);
        Assert.Contains(CaCapabilities.Sha1, capabilities);
        Assert.Contains(CaCapabilities.Sha256, capabilities);
        Assert.Contains(CaCapabilities.Sha384, capabilities);
        Assert.Contains(CaCapabilities.Sha512, capabilities);
        Assert.Contains(CaCapabilities.ScepStandard, capabilities);
        Assert.DoesNotContain(CaCapabilities.GetNextCaCert, capabilities);
        Assert.Equal(capabilities.Count, capabilities.Distinct().Count());
    }

    [Fact]
    public void Capabilities_WithoutAes_OmitScepStandard()
    {
        IReadOnlyList<string> capabilities = Profile(p => p.Ciphers = [CaCapabilities.Des3]).Capabilities(hasNextCa: false);

        Assert.DoesNotContain(CaCapabilities.ScepStandard, capabilities);
        Assert.DoesNotContain(CaCapabilities.Aes, capabilities);
    }

    [Fact]
    public void Capabilities_WithoutSha256_OmitScepStandard()
    {
        IReadOnlyList<string> capabilities = Profile(p => p.Digests = [CaCapabilities.Sha512, CaCapabilities.Sha1]).Capabilities(hasNextCa: false);

        Assert.DoesNotContain(CaCapabilities.ScepStandard, capabilities);
        Assert.DoesNotContain(CaCapabilities.Sha256, capabilities);
    }

    [Fact]
    public void Capabilities_AesAndSha256Only_AdvertiseScepStandard()
    {
        IReadOnlyList<string> capabilities = Profile(p =>
        {
            p.Ciphers = [CaCapabilities.Aes];
            p.Digests = [CaCapabilities.Sha256];
        }).Capabilities(hasNextCa: false);

        Assert.Contains(CaCapabilities.ScepStandard, capabilities);
        Assert.DoesNotContain(CaCapabilities.Des3, capabilities);
    }

    [Fact]
    public void Capabilities_RenewalNotAllowed_OmitRenewal()
    {
        IReadOnlyList<string> capabilities = Profile(p => p.AllowRenewal = false).Capabilities(hasNextCa: false);

        Assert.DoesNotContain(CaCapabilities.Renewal, capabilities);
        Assert.Contains(CaCapabilities.PostPkiOperation, capabilities);
    }

    [Fact]
    public void Capabilities_SuccessorCaConfigured_AdvertiseGetNextCaCert()
    {
        IReadOnlyList<string> capabilities = Profile().Capabilities(hasNextCa: true);

        Assert.Contains(CaCapabilities.GetNextCaCert, capabilities);
    }

    [Fact]
    public void Capabilities_Formatted_FitInOneKilobyteOneKeywordPerLine()
    {
        string body = CaCapabilities.Format(Profile().Capabilities(hasNextCa: true));

        Assert.True(body.Length < 1024);
        Assert.DoesNotContain("\r", body, StringComparison.Ordinal);
        Assert.All(body.Split('\n'), line => Assert.Matches("^[A-Za-z0-9-]+$", line));
    }

    private static ScepProfile Profile(Action<ProfileOptions>? configure = null)
    {
        var options = new ProfileOptions { ChallengePassword = "s3cret" };
        configure?.Invoke(options);
        return new ScepProfile(BrokerOptions.DefaultProfileName, options);
    }

    private static int IndexOf(IReadOnlyList<string> capabilities, string keyword)
    {
        int index = capabilities.ToList().IndexOf(keyword);
        Assert.True(index >= 0, $"{keyword} missing from {string.Join(",", capabilities)}");
        return index;
    }
}
