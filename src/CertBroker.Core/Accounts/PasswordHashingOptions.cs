namespace CertBroker.Core.Accounts;

/// <summary>How admin passwords are hashed (<c>CertBroker:Admin:PasswordHashing</c>).</summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "CertBroker:Admin:PasswordHashing";

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new hashes, 100,000 to 10,000,000. Default 600,000, the OWASP 2023
    /// recommendation. Raising it upgrades each stored hash at its account's next successful sign-in.
    /// </summary>
    public int Iterations { get; set; } = 600_000;
}
