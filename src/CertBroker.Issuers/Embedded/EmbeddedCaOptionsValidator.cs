using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// Checks the shape of <see cref="EmbeddedCaOptions"/> and reports every problem at once. Whether the files exist and
/// match is checked when they are loaded (<see cref="KeyMaterialProvider"/>), not here.
/// </summary>
public sealed class EmbeddedCaOptionsValidator : IValidateOptions<EmbeddedCaOptions>
{
    private const string Section = EmbeddedCaOptions.SectionName;
    private const string RaSection = Section + ":" + nameof(EmbeddedCaOptions.Ra);

    private static readonly int[] AllowedKeySizes = [2048, 3072, 4096];

    public ValidateOptionsResult Validate(string? name, EmbeddedCaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!AllowedKeySizes.Contains(options.KeySize))
        {
            failures.Add($"{Section}:{nameof(options.KeySize)} is {options.KeySize}; allowed RSA sizes are 2048, 3072 and 4096.");
        }

        if (options.CaValidityYears is < 1 or > 100)
        {
            failures.Add($"{Section}:{nameof(options.CaValidityYears)} is {options.CaValidityYears}; it must be between 1 and 100.");
        }

        if (options.RaValidityYears < 1 || options.RaValidityYears > options.CaValidityYears)
        {
            failures.Add(
                $"{Section}:{nameof(options.RaValidityYears)} is {options.RaValidityYears}; it must be at least 1 and at most " +
                $"{nameof(options.CaValidityYears)} ({options.CaValidityYears}).");
        }

        if (options.CrlValidityHours is < 1 or > 8760)
        {
            failures.Add($"{Section}:{nameof(options.CrlValidityHours)} is {options.CrlValidityHours}; it must be between 1 and 8760.");
        }

        if (options.CrlRefreshMarginHours < 0 || options.CrlRefreshMarginHours >= options.CrlValidityHours)
        {
            failures.Add(
                $"{Section}:{nameof(options.CrlRefreshMarginHours)} is {options.CrlRefreshMarginHours}; it must be at least 0 and " +
                $"less than {nameof(options.CrlValidityHours)} ({options.CrlValidityHours}).");
        }

        if (options.CrlDistributionPointUrl is { } url && !IsDistributionPointUrl(url))
        {
            failures.Add(
                $"{Section}:{nameof(options.CrlDistributionPointUrl)} is '{url}'; it must be an absolute http, https or ldap URL.");
        }

        // Property names follow one pattern per role ("", "Signing", "Encryption" before CertificatePath, KeyPath...).
        ValidateSource(
            failures,
            Section,
            string.Empty,
            (options.CertificatePath, options.KeyPath, options.KeyPassword, options.Pkcs12Path, options.Pkcs12Password));

        var ra = options.Ra ?? new RegistrationAuthorityOptions();
        ValidateSource(
            failures,
            RaSection,
            "Signing",
            (ra.SigningCertificatePath, ra.SigningKeyPath, ra.SigningKeyPassword, ra.SigningPkcs12Path, ra.SigningPkcs12Password));
        ValidateSource(
            failures,
            RaSection,
            "Encryption",
            (ra.EncryptionCertificatePath,
                ra.EncryptionKeyPath,
                ra.EncryptionKeyPassword,
                ra.EncryptionPkcs12Path,
                ra.EncryptionPkcs12Password));

        ValidateCombination(failures, options, ra);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateCombination(List<string> failures, EmbeddedCaOptions options, RegistrationAuthorityOptions ra)
    {
        var caConfigured = options.CaSource is not null;
        var signingConfigured = ra.SigningSource is not null;
        var encryptionConfigured = ra.EncryptionSource is not null;

        if (caConfigured && !signingConfigured)
        {
            failures.Add(
                $"CA files are configured but the signing RA is not: set {RaSection}:{nameof(ra.SigningCertificatePath)} and " +
                $"{RaSection}:{nameof(ra.SigningKeyPath)}, or {RaSection}:{nameof(ra.SigningPkcs12Path)}.");
        }

        if (!caConfigured && (signingConfigured || encryptionConfigured))
        {
            failures.Add(
                $"RA files are configured but the CA is not: RA certificates must be issued by a configured CA " +
                $"({Section}:{nameof(options.CertificatePath)} and {Section}:{nameof(options.KeyPath)}, or " +
                $"{Section}:{nameof(options.Pkcs12Path)}).");
        }

        if (encryptionConfigured && !signingConfigured)
        {
            failures.Add($"The encryption RA is configured without a signing RA; configure {RaSection}:Signing* as well.");
        }

        if (!caConfigured && !options.GenerateDevMaterial)
        {
            failures.Add(
                $"No CA files are configured and {Section}:{nameof(options.GenerateDevMaterial)} is false; configure " +
                $"{Section}:{nameof(options.CertificatePath)} and {Section}:{nameof(options.KeyPath)}, or " +
                $"{Section}:{nameof(options.Pkcs12Path)}.");
        }
    }

    /// <summary>One certificate-and-key role: a PEM pair or a PKCS#12 file, never half of one nor both.</summary>
    private static void ValidateSource(
        List<string> failures,
        string section,
        string prefix,
        (string? Certificate, string? Key, string? KeyPassword, string? Pkcs12, string? Pkcs12Password) paths)
    {
        var certificateKey = $"{section}:{prefix}CertificatePath";
        var keyKey = $"{section}:{prefix}KeyPath";
        var pkcs12Key = $"{section}:{prefix}Pkcs12Path";
        var hasCertificate = !string.IsNullOrWhiteSpace(paths.Certificate);
        var hasKey = !string.IsNullOrWhiteSpace(paths.Key);
        var hasPkcs12 = !string.IsNullOrWhiteSpace(paths.Pkcs12);

        if (hasCertificate && !hasKey)
        {
            failures.Add($"{certificateKey} is set but {keyKey} is not.");
        }

        if (hasKey && !hasCertificate)
        {
            failures.Add($"{keyKey} is set but {certificateKey} is not.");
        }

        if (hasPkcs12 && (hasCertificate || hasKey))
        {
            failures.Add($"{pkcs12Key} and {certificateKey}/{keyKey} are both set; configure one or the other.");
        }

        if (!string.IsNullOrEmpty(paths.KeyPassword) && !hasKey)
        {
            failures.Add($"{section}:{prefix}KeyPassword is set but {keyKey} is not.");
        }

        if (!string.IsNullOrEmpty(paths.Pkcs12Password) && !hasPkcs12)
        {
            failures.Add($"{section}:{prefix}Pkcs12Password is set but {pkcs12Key} is not.");
        }
    }

    private static bool IsDistributionPointUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == "ldap");
}
