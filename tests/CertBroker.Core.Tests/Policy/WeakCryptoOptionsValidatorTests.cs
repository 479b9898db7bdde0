using CertBroker.Core.Model;
using CertBroker.Core.Policy;

namespace CertBroker.Core.Tests.Policy;

public sealed class WeakCryptoOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new WeakCryptoOptionsValidator().Validate(null, new WeakCryptoOptions()).Succeeded);

    [Fact]
    public void Validate_SeveralMistakes_ReportsEveryOneByKey()
    {
        var options = new WeakCryptoOptions
        {
            MinimumRsaBits = 2048,
            CriticalRsaBits = 4096,
            RecommendedRsaBits = 1024,
            RescanBatchSize = 0,
            BlocklistFile = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing.txt"),
            Verdicts = { ["WC-KEY-04"] = FindingSeverity.Info, ["WC-NOPE-01"] = FindingSeverity.Fail, ["wc-cms-02"] = FindingSeverity.Fail },
        };

        string[] failures = [.. new WeakCryptoOptionsValidator().Validate(null, options).Failures!];

        Assert.Equal(6, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:CriticalRsaBits", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:RecommendedRsaBits", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:RescanBatchSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:Verdicts:WC-KEY-04", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:Verdicts:WC-NOPE-01", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CertBroker:WeakCrypto:BlocklistFile", StringComparison.Ordinal));
    }
}
