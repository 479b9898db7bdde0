namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The RA certificates devices encrypt requests to and verify replies from (section <c>CertBroker:Ca:Ra</c>).
/// Each one is a PEM certificate plus PEM key, or a PKCS#12 file. Both must be issued by the CA.
/// </summary>
/// <remarks>
/// The encryption RA is optional: without it the signing RA serves both purposes and must then allow
/// digitalSignature and keyEncipherment (Apple and jscep accept such a single RA certificate).
/// </remarks>
public sealed class RegistrationAuthorityOptions
{
    /// <summary>PEM certificate of the signing RA (digitalSignature). Default unset.</summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>PEM private key of the signing RA. Default unset.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>Password of an encrypted <see cref="SigningKeyPath"/>. Default unset.</summary>
    public string? SigningKeyPassword { get; set; }

    /// <summary>PKCS#12 file of the signing RA. Default unset.</summary>
    public string? SigningPkcs12Path { get; set; }

    /// <summary>Password of <see cref="SigningPkcs12Path"/>. Default unset.</summary>
    public string? SigningPkcs12Password { get; set; }

    /// <summary>PEM certificate of the encryption RA (keyEncipherment). Default unset.</summary>
    public string? EncryptionCertificatePath { get; set; }

    /// <summary>PEM private key of the encryption RA. Default unset.</summary>
    public string? EncryptionKeyPath { get; set; }

    /// <summary>Password of an encrypted <see cref="EncryptionKeyPath"/>. Default unset.</summary>
    public string? EncryptionKeyPassword { get; set; }

    /// <summary>PKCS#12 file of the encryption RA. Default unset.</summary>
    public string? EncryptionPkcs12Path { get; set; }

    /// <summary>Password of <see cref="EncryptionPkcs12Path"/>. Default unset.</summary>
    public string? EncryptionPkcs12Password { get; set; }

    internal KeySource? SigningSource => KeySource.Create(
        "RA signing", SigningCertificatePath, SigningKeyPath, SigningKeyPassword, SigningPkcs12Path, SigningPkcs12Password);

    internal KeySource? EncryptionSource => KeySource.Create(
        "RA encryption",
        EncryptionCertificatePath,
        EncryptionKeyPath,
        EncryptionKeyPassword,
        EncryptionPkcs12Path,
        EncryptionPkcs12Password);
}
