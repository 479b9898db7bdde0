using System.Numerics;
using System.Security.Cryptography;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;

namespace CertBroker.Core.Tests.Policy;

public sealed class RsaKeyRuleTests
{
    private static readonly WeakCryptoPolicy Policy = new(new WeakCryptoOptions(), KeyBlocklist.Empty);

    private static Finding Single(PolicySubject subject, string ruleId) =>
        Assert.Single(Policy.Evaluate(subject), f => f.RuleId == ruleId);

    private static void None(PolicySubject subject, string ruleId) =>
        Assert.DoesNotContain(Policy.Evaluate(subject), f => f.RuleId == ruleId);

    [Fact]
    public void Evaluate_Rsa1024_FailsMinimumLength()
    {
        using RSA key = RSA.Create(1024);
        Finding finding = Single(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo()), "WC-RSA-01");

        Assert.Equal(FindingSeverity.Fail, finding.Severity);
        Assert.Equal("RSA key 1024 bits < 2048", finding.Message);
        Assert.Equal(("1024 bits", ">= 2048 bits"), (finding.Observed, finding.Threshold));
    }

    [Fact]
    public void Evaluate_Rsa768_IsCritical()
    {
        Finding finding = Single(PolicyKeys.Rsa(PolicyKeys.ModulusOfExactly(768)), "WC-RSA-01");

        Assert.Equal("RSA key 768 bits < 2048 (critical)", finding.Message);
    }

    [Fact]
    public void Evaluate_Modulus1023Bits_FailsAlignment()
    {
        BigInteger n = PolicyKeys.ModulusOfExactly(1023);

        Assert.Equal(FindingSeverity.Fail, Single(PolicyKeys.Rsa(n), "WC-RSA-03").Severity);
        Assert.Equal("RSA key 1023 bits < 2048 (critical)", Single(PolicyKeys.Rsa(n), "WC-RSA-01").Message);
    }

    [Fact]
    public void Evaluate_Rsa2048_NotesBsiRecommendationOnly()
    {
        using RSA key = RSA.Create(2048);
        IReadOnlyList<Finding> findings = Policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo()));

        Finding finding = Assert.Single(findings);
        Assert.Equal(("WC-RSA-02", FindingSeverity.Info), (finding.RuleId, finding.Severity));
    }

    [Fact]
    public void Evaluate_Rsa3072_FindsNothing()
    {
        using RSA key = RSA.Create(3072);

        Assert.Empty(Policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo())));
    }

    [Fact]
    public void Evaluate_ExponentThree_Warns()
    {
        Finding finding = Single(PolicyKeys.Rsa(PolicyKeys.Modulus(2048), e: 3), "WC-RSA-05");

        Assert.Equal(("e = 3", FindingSeverity.Warn), (finding.Observed, finding.Severity));
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(1)]
    public void Evaluate_EvenOrTinyExponent_Fails(int e)
    {
        PolicySubject subject = PolicyKeys.Rsa(PolicyKeys.Modulus(2048), e);

        Assert.Equal(FindingSeverity.Fail, Single(subject, "WC-RSA-04").Severity);
        None(subject, "WC-RSA-05");
    }

    [Fact]
    public void Evaluate_ModulusWithFactor751_FailsSmallFactor()
    {
        BigInteger n = 751 * PolicyKeys.Prime(2038);

        Finding finding = Single(PolicyKeys.Rsa(n), "WC-RSA-06");

        Assert.Equal("factor 751", finding.Observed);
    }

    [Fact]
    public void Evaluate_EvenModulus_FailsSmallFactor()
    {
        Finding finding = Single(PolicyKeys.Rsa(2 * PolicyKeys.Prime(2047)), "WC-RSA-06");

        Assert.Equal("RSA modulus is even", finding.Message);
    }

    [Fact]
    public void Evaluate_FactorAbove751_IsNotASmallFactor()
    {
        // 757 is the first prime above the BR's bound.
        None(PolicyKeys.Rsa(757 * PolicyKeys.Prime(2038)), "WC-RSA-06");
    }

    [Fact]
    public void Evaluate_ClosePrimes_FailsFermat()
    {
        BigInteger p = PolicyKeys.Prime(1024);
        BigInteger q = PolicyKeys.NextPrime(p + (BigInteger.One << 200));

        Finding finding = Single(PolicyKeys.Rsa(p * q), "WC-KEY-03");

        Assert.Equal(FindingSeverity.Fail, finding.Severity);
        Assert.Equal(p, PrimeMath.FermatFactor(p * q, 100));
    }

    [Fact]
    public void Evaluate_IndependentPrimes_PassFermat()
    {
        None(PolicyKeys.Rsa(PolicyKeys.Modulus(2048)), "WC-KEY-03");
    }

    [Fact]
    public void Evaluate_RocaStructuredModulus_FailsRoca()
    {
        BigInteger n = PolicyKeys.RocaPrime(1024) * PolicyKeys.RocaPrime(1024);

        Assert.Equal(FindingSeverity.Fail, Single(PolicyKeys.Rsa(n), "WC-KEY-02").Severity);
    }

    [Fact]
    public void Evaluate_OrdinaryModuli_HaveNoRocaFingerprint()
    {
        for (int i = 0; i < 20; i++)
        {
            Assert.False(RocaFingerprint.Matches(PolicyKeys.Modulus(1024)));
        }
    }

    [Fact]
    public void Evaluate_KeyOnBlocklistBySpki_Fails()
    {
        using RSA key = RSA.Create(2048);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        var blocklist = new KeyBlocklist(["# compromised", Convert.ToHexString(SHA256.HashData(spki)) + "  # lab printer"]);
        var policy = new WeakCryptoPolicy(new WeakCryptoOptions(), blocklist);

        Assert.Contains(policy.Evaluate(PolicySubject.ForRequest(spki)), f => f.RuleId == "WC-KEY-01" && f.Severity == FindingSeverity.Fail);
    }

    [Fact]
    public void Evaluate_KeyOnBlocklistByModulus_Fails()
    {
        using RSA key = RSA.Create(2048);
        byte[] modulus = key.ExportParameters(false).Modulus!;
        var policy = new WeakCryptoPolicy(new WeakCryptoOptions(), new KeyBlocklist([Convert.ToHexStringLower(SHA256.HashData(modulus))]));

        Assert.Contains(policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo())), f => f.RuleId == "WC-KEY-01");
        using RSA other = RSA.Create(2048);
        Assert.DoesNotContain(policy.Evaluate(PolicySubject.ForRequest(other.ExportSubjectPublicKeyInfo())), f => f.RuleId == "WC-KEY-01");
    }

    [Fact]
    public void Evaluate_ConfiguredMinimum_Applies()
    {
        var policy = new WeakCryptoPolicy(new WeakCryptoOptions { MinimumRsaBits = 3072, RecommendedRsaBits = 4096 }, KeyBlocklist.Empty);
        using RSA key = RSA.Create(2048);

        Finding finding = Assert.Single(policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo())), f => f.RuleId == "WC-RSA-01");
        Assert.Equal("RSA key 2048 bits < 3072", finding.Message);
    }
}
