namespace CertBroker.Core.Accounts;

/// <summary>When repeated failed sign-ins lock an account, and for how long (<c>CertBroker:Admin:Lockout</c>).</summary>
public sealed class LockoutOptions
{
    public const string SectionName = "CertBroker:Admin:Lockout";

    /// <summary>Failed sign-ins in a row that lock the account, 1 to 10. Default 5.</summary>
    public int Threshold { get; set; } = 5;

    /// <summary>Minutes the account stays locked, 1 to 60. Default 15.</summary>
    public int DurationMinutes { get; set; } = 15;
}
