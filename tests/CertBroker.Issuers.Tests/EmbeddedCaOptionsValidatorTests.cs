using CertBroker.Issuers.Embedded;

namespace CertBroker.Issuers.Tests;

public sealed class EmbeddedCaOptionsValidatorTests
{
    private readonly EmbeddedCaOptionsValidator validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = validator.Validate(null, new EmbeddedCaOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_FullPemAndPkcs12Configuration_Succeeds()
    {
        var options = new EmbeddedCaOptions
        {
            Pkcs12Path = "/etc/certbroker/ca.p12",
            Pkcs12Password = "secret",
            CrlDistributionPointUrl = "http://pki.example.com/ca.crl",
            GenerateDevMaterial = false,
            Ra = new RegistrationAuthorityOptions
            {
                SigningCertificatePath = "ra-sign.pem",
                SigningKeyPath = "ra-sign.key",
                SigningKeyPassword = "secret",
                EncryptionPkcs12Path = "ra-enc.p12",
            },
            NextCa = new NextCaOptions { CertificatePath = "next.pem" },
        };

        var result = validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_HalfConfiguredMaterial_ReportsEveryProblem()
    {
        var options = new EmbeddedCaOptions
        {
            CertificatePath = "ca.pem",
            Pkcs12Path = "ca.p12",
            Ra = new RegistrationAuthorityOptions
            {
                SigningKeyPath = "ra.key",
                EncryptionCertificatePath = "enc.pem",
                EncryptionPkcs12Password = "secret",
            },
        };

        var failures = validator.Validate(null, options).Failures!.ToList();

        Assert.Contains("CertBroker:Ca:CertificatePath is set but CertBroker:Ca:KeyPath is not.", failures);
        Assert.Contains(failures, f => f.StartsWith("CertBroker:Ca:Pkcs12Path and CertBroker:Ca:CertificatePath", StringComparison.Ordinal));
        Assert.Contains("CertBroker:Ca:Ra:SigningKeyPath is set but CertBroker:Ca:Ra:SigningCertificatePath is not.", failures);
        Assert.Contains("CertBroker:Ca:Ra:EncryptionCertificatePath is set but CertBroker:Ca:Ra:EncryptionKeyPath is not.", failures);
        Assert.Contains(
            "CertBroker:Ca:Ra:EncryptionPkcs12Password is set but CertBroker:Ca:Ra:EncryptionPkcs12Path is not.",
            failures);
        Assert.Equal(5, failures.Count);
    }

    [Fact]
    public void Validate_OutOfRangeNumbersAndBadUrl_ReportsEach()
    {
        var options = new EmbeddedCaOptions
        {
            KeySize = 1024,
            CaValidityYears = 2,
            RaValidityYears = 3,
            CrlValidityHours = 4,
            CrlRefreshMarginHours = 4,
            CrlDistributionPointUrl = "/relative/ca.crl",
        };

        var failures = validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains("KeySize is 1024", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RaValidityYears is 3", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CrlRefreshMarginHours is 4", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CrlDistributionPointUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CaWithoutRa_AsksForSigningRa()
    {
        var options = new EmbeddedCaOptions { CertificatePath = "ca.pem", KeyPath = "ca.key" };

        var failures = validator.Validate(null, options).Failures!.ToList();

        var failure = Assert.Single(failures);
        Assert.Contains("the signing RA is not", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RaWithoutCa_Fails()
    {
        var options = new EmbeddedCaOptions
        {
            Ra = new RegistrationAuthorityOptions { SigningPkcs12Path = "ra.p12" },
        };

        var failure = Assert.Single(validator.Validate(null, options).Failures!);

        Assert.Contains("RA files are configured but the CA is not", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoCaFilesAndGenerationDisabled_Fails()
    {
        var failure = Assert.Single(validator.Validate(null, new EmbeddedCaOptions { GenerateDevMaterial = false }).Failures!);

        Assert.Contains("GenerateDevMaterial is false", failure, StringComparison.Ordinal);
    }
}
