namespace CertBroker.Core.Accounts;

/// <summary>Rules for admin account passwords (<c>CertBroker:Admin:PasswordPolicy</c>), as MFD security policies define them.</summary>
public sealed class PasswordPolicyOptions
{
    public const string SectionName = "CertBroker:Admin:PasswordPolicy";

    /// <summary>Fewest characters a password may have, 1 to 32. Default 12.</summary>
    public int MinimumLength { get; set; } = 12;

    /// <summary>
    /// Days a password stays valid after it was set, 1 to 180. Unset by default: passwords do not expire. An account
    /// whose password has expired may still sign in, but must change it before doing anything else.
    /// </summary>
    public int? ValidityDays { get; set; }

    /// <summary>Whether a password needs at least one upper-case letter. Default true.</summary>
    public bool RequireUpperCase { get; set; } = true;

    /// <summary>Whether a password needs at least one lower-case letter. Default true.</summary>
    public bool RequireLowerCase { get; set; } = true;

    /// <summary>Whether a password needs at least one digit. Default true.</summary>
    public bool RequireDigit { get; set; } = true;

    /// <summary>Whether a password needs at least one symbol (neither letter, digit nor space). Default true.</summary>
    public bool RequireSymbol { get; set; } = true;
}
