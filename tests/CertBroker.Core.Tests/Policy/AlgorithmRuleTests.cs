using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Policy;

public sealed class AlgorithmRuleTests
{
    private static readonly WeakCryptoPolicy Policy = new(new WeakCryptoOptions(), KeyBlocklist.Empty);
    private static readonly ScepProfile Profile = new("default", new ProfileOptions { ValidityDays = 365 });

    [Fact]
    public void EvaluateRequest_Md5SignedCsr_FailsSignatureRule()
    {
        using RSA key = RSA.Create(3072);
        byte[] csr = PolicyKeys.Csr(key, "CN=old-printer", "MD5WITHRSA");

        IReadOnlyList<Finding> findings = Policy.EvaluateRequest(Profile, CertificationRequest.Parse(csr), "AES-256-CBC", "SHA-256");

        Finding finding = Assert.Single(findings);
        Assert.Equal(("WC-SIG-01", FindingSeverity.Fail, "CSR signed with MD5"), (finding.RuleId, finding.Severity, finding.Message));
        Assert.True(finding.IsAlgorithm);
    }

    [Fact]
    public void EvaluateRequest_Sha1SignedCsr_FailsSignatureRule()
    {
        using RSA key = RSA.Create(3072);
        byte[] csr = PolicyKeys.Csr(key, "CN=router", "SHA1WITHRSA");

        Finding finding = Assert.Single(Policy.EvaluateRequest(Profile, CertificationRequest.Parse(csr), "AES-128-CBC", "SHA-256"));

        Assert.Equal(("WC-SIG-02", FindingSeverity.Fail), (finding.RuleId, finding.Severity));
    }

    [Fact]
    public void EvaluateCertificate_Sha1SelfSignedRoot_IsOnlyNoted()
    {
        using RSA key = RSA.Create(3072);
        using X509Certificate2 root = PolicyKeys.Certificate(key, "CN=Old Root", "CN=Old Root", "SHA1WITHRSA");

        Finding finding = Assert.Single(Policy.EvaluateCertificate(root, Profile));

        Assert.Equal(("WC-SIG-02", FindingSeverity.Info), (finding.RuleId, finding.Severity));
    }

    [Fact]
    public void EvaluateCertificate_Sha224Signature_Warns()
    {
        using RSA key = RSA.Create(3072);
        using X509Certificate2 certificate = PolicyKeys.Certificate(key, "CN=camera-3", "CN=Some CA", "SHA224WITHRSA");

        Finding finding = Assert.Single(Policy.EvaluateCertificate(certificate, Profile));

        Assert.Equal(("WC-SIG-03", FindingSeverity.Warn, "Certificate signed with SHA-224"), (finding.RuleId, finding.Severity, finding.Message));
    }

    [Fact]
    public void EvaluateCertificate_ValidityBeyondProfile_Warns()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 certificate = new CertificateRequest("CN=ndes-client", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(825));

        Finding finding = Assert.Single(Policy.EvaluateCertificate(certificate, Profile));

        Assert.Equal(("WC-VAL-01", FindingSeverity.Warn, "<= 365 days"), (finding.RuleId, finding.Severity, finding.Threshold));
    }

    [Theory]
    [InlineData("1.2.840.10045.3.1.7", false, false)]
    [InlineData("1.3.132.0.34", false, false)]
    [InlineData("1.3.132.0.10", false, true)]
    [InlineData("1.3.36.3.3.2.8.1.1.7", false, true)]
    [InlineData("1.3.36.3.3.2.8.1.1.7", true, false)]
    public void Evaluate_EcCurve_FailsUnlessAllowed(string curveOid, bool brainpoolAllowed, bool fails)
    {
        using ECDsa key = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
        PolicySubject subject = PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo()) with { BrainpoolAllowed = brainpoolAllowed };

        Assert.Equal(fails, Policy.Evaluate(subject).Any(f => f.RuleId == "WC-EC-01" && f.Severity == FindingSeverity.Fail));
    }

    [Fact]
    public void Evaluate_DsaKey_Fails()
    {
        using DSA key = DSA.Create(2048);

        Finding finding = Assert.Single(Policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo())));

        Assert.Equal(("WC-DSA-01", FindingSeverity.Fail), (finding.RuleId, finding.Severity));
    }

    [Theory]
    [InlineData("DES-CBC", "SHA-256", "WC-CMS-01", FindingSeverity.Fail)]
    [InlineData("RC2-CBC", "SHA-256", "WC-CMS-01", FindingSeverity.Fail)]
    [InlineData("3DES-CBC", "SHA-256", "WC-CMS-02", FindingSeverity.Warn)]
    [InlineData("AES-128-CBC", "MD5", "WC-CMS-03", FindingSeverity.Fail)]
    [InlineData("AES-128-CBC", "SHA-1", "WC-CMS-03", FindingSeverity.Warn)]
    public void Evaluate_ScepEnvelope_IsJudged(string cipher, string digest, string ruleId, FindingSeverity severity)
    {
        using RSA key = RSA.Create(3072);
        PolicySubject subject = PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo()) with { ContentEncryption = cipher, MessageDigest = digest };

        Finding finding = Assert.Single(Policy.Evaluate(subject));

        Assert.Equal((ruleId, severity), (finding.RuleId, finding.Severity));
    }

    [Fact]
    public void Evaluate_TripleDesConfiguredToFail_Fails()
    {
        var policy = new WeakCryptoPolicy(new WeakCryptoOptions { Verdicts = { ["WC-CMS-02"] = FindingSeverity.Fail } }, KeyBlocklist.Empty);
        using RSA key = RSA.Create(3072);

        Finding finding = Assert.Single(policy.Evaluate(PolicySubject.ForRequest(key.ExportSubjectPublicKeyInfo()) with { ContentEncryption = "3DES-CBC" }));

        Assert.Equal(FindingSeverity.Fail, finding.Severity);
    }

    [Fact]
    public void ForbiddenCapabilities_EnforcingProfileWithFailingTripleDesAndSha1_DropsBoth()
    {
        var policy = new WeakCryptoPolicy(
            new WeakCryptoOptions { Verdicts = { ["WC-CMS-02"] = FindingSeverity.Fail, ["WC-CMS-03"] = FindingSeverity.Fail } }, KeyBlocklist.Empty);

        Assert.Equal(
            new HashSet<string> { CaCapabilities.Des3, CaCapabilities.Sha1 },
            policy.ForbiddenCapabilities(new ScepProfile("strict", new ProfileOptions { WeakCrypto = WeakCryptoMode.Enforce })));
        Assert.Empty(policy.ForbiddenCapabilities(new ScepProfile("flagging", new ProfileOptions { WeakCrypto = WeakCryptoMode.Flag })));
    }

    [Fact]
    public void ForbiddenCapabilities_DefaultVerdicts_KeepDes3ForOldDevices()
    {
        Assert.Empty(Policy.ForbiddenCapabilities(new ScepProfile("strict", new ProfileOptions { WeakCrypto = WeakCryptoMode.Enforce })));
    }

    [Fact]
    public void EvaluateRequest_ModeOff_FindsNothing()
    {
        using RSA key = RSA.Create(1024);
        byte[] csr = PolicyKeys.Csr(key, "CN=x", "SHA1WITHRSA");
        var off = new ScepProfile("legacy", new ProfileOptions { WeakCrypto = WeakCryptoMode.Off });

        Assert.Empty(Policy.EvaluateRequest(off, CertificationRequest.Parse(csr), "DES-CBC", "MD5"));
    }

    [Fact]
    public void SettingsHash_ChangesWithThresholdsAndModes()
    {
        ScepProfile[] flag = [new("default", new ProfileOptions())];
        ScepProfile[] enforce = [new("default", new ProfileOptions { WeakCrypto = WeakCryptoMode.Enforce })];
        var stricter = new WeakCryptoPolicy(new WeakCryptoOptions { MinimumRsaBits = 3072, RecommendedRsaBits = 3072 }, KeyBlocklist.Empty);

        Assert.Equal(Policy.SettingsHash(flag), new WeakCryptoPolicy(new WeakCryptoOptions(), KeyBlocklist.Empty).SettingsHash(flag));
        Assert.NotEqual(Policy.SettingsHash(flag), Policy.SettingsHash(enforce));
        Assert.NotEqual(Policy.SettingsHash(flag), stricter.SettingsHash(flag));
    }
}
