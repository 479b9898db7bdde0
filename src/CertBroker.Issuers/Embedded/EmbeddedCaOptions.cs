namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The embedded CA and its RA identity. With no CA files configured the broker generates a development root CA and
/// two RA certificates under <c>&lt;CertBroker:DataDir&gt;/ca/</c> on first start and loads them afterwards; with
/// files configured it loads those and never generates anything.
/// </summary>
/// <remarks>
/// CA material is either <see cref="CertificatePath"/> + <see cref="KeyPath"/> (PEM certificate, PEM private key,
/// optionally encrypted PKCS#8) or <see cref="Pkcs12Path"/>, never both. A CA certificate file may carry the CA's
/// own chain after the CA certificate (root last); it is presented in GetCACert.
/// </remarks>
public sealed class EmbeddedCaOptions
{
    public const string SectionName = "CertBroker:Ca";

    /// <summary>RSA modulus length for generated CA and RA keys: 2048, 3072 or 4096. Default 2048.</summary>
    public int KeySize { get; set; } = 2048;

    /// <summary>Lifetime of a generated CA certificate, in years. Default 10.</summary>
    public int CaValidityYears { get; set; } = 10;

    /// <summary>Lifetime of generated RA certificates, in years, never beyond the CA's. Default 2.</summary>
    public int RaValidityYears { get; set; } = 2;

    /// <summary>Hours from a CRL's thisUpdate to its nextUpdate. Default 24.</summary>
    public int CrlValidityHours { get; set; } = 24;

    /// <summary>
    /// A cached CRL is re-signed once fewer than this many hours remain before its nextUpdate, so relying parties
    /// never fetch one that is about to go stale. Must be less than <see cref="CrlValidityHours"/>. Default 6.
    /// </summary>
    public int CrlRefreshMarginHours { get; set; } = 6;

    /// <summary>
    /// Absolute http(s) or ldap URL written as the CRL distribution point of issued certificates.
    /// Default unset: issued certificates carry no cRLDistributionPoints extension.
    /// </summary>
    public string? CrlDistributionPointUrl { get; set; }

    /// <summary>
    /// Whether the broker may generate development CA and RA material when no CA files are configured.
    /// Set to false in production so a missing configuration stops start-up instead of minting a new CA. Default true.
    /// </summary>
    public bool GenerateDevMaterial { get; set; } = true;

    /// <summary>PEM CA certificate, optionally followed by its chain. Requires <see cref="KeyPath"/>. Default unset.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of the CA (PKCS#1, PKCS#8 or encrypted PKCS#8). Default unset.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of an encrypted <see cref="KeyPath"/>. Default unset.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>PKCS#12 file holding the CA certificate, its key and optionally its chain. Default unset.</summary>
    public string? Pkcs12Path { get; set; }

    /// <summary>Password of <see cref="Pkcs12Path"/>. Default unset (no password).</summary>
    public string? Pkcs12Password { get; set; }

    /// <summary>RA certificates; required when CA files are configured.</summary>
    public RegistrationAuthorityOptions Ra { get; set; } = new();

    /// <summary>A successor CA certificate announced through GetNextCACert.</summary>
    public NextCaOptions NextCa { get; set; } = new();

    internal KeySource? CaSource =>
        KeySource.Create("CA", CertificatePath, KeyPath, KeyPassword, Pkcs12Path, Pkcs12Password);
}

/// <summary>Where one certificate and its key come from: PEM pair or PKCS#12.</summary>
internal sealed record KeySource(
    string Role,
    string? CertificatePath,
    string? KeyPath,
    string? KeyPassword,
    string? Pkcs12Path,
    string? Pkcs12Password)
{
    /// <summary>Null when nothing at all is configured for this role.</summary>
    public static KeySource? Create(
        string role,
        string? certificatePath,
        string? keyPath,
        string? keyPassword,
        string? pkcs12Path,
        string? pkcs12Password)
    {
        if (IsUnset(certificatePath) && IsUnset(keyPath) && IsUnset(pkcs12Path))
        {
            return null;
        }

        return new KeySource(role, Blank(certificatePath), Blank(keyPath), keyPassword, Blank(pkcs12Path), pkcs12Password);
    }

    public bool IsPkcs12 => Pkcs12Path is not null;

    private static bool IsUnset(string? value) => string.IsNullOrWhiteSpace(value);

    private static string? Blank(string? value) => IsUnset(value) ? null : value;
}
