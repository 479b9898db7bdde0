using CertBroker.Core.Audit;

namespace CertBroker.Core.Tests.Audit;

public sealed class AuditOptionsValidatorTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(40_000)]
    [InlineData(10_000_000)]
    public void Validate_CapInRange_Succeeds(int maxRecords)
    {
        Assert.True(new AuditOptionsValidator().Validate(null, new AuditOptions { MaxRecords = maxRecords }).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(10_000_001)]
    public void Validate_CapOutOfRange_FailsNamingKeyAndValue(int maxRecords)
    {
        var result = new AuditOptionsValidator().Validate(null, new AuditOptions { MaxRecords = maxRecords });

        Assert.True(result.Failed);
        Assert.Contains($"CertBroker:Audit:MaxRecords must be between 1000 and 10000000; got {maxRecords}.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_KeepFortyThousandEvents()
    {
        Assert.Equal(40_000, new AuditOptions().MaxRecords);
    }
}
