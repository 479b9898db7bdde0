namespace CertBroker.Core.Model;

/// <summary>
/// Where a certificate is in its renewal life. The numbers are stored in <c>certificates.renewal_state</c>, so they
/// never change. Valid → Due → Overdue → Expired is driven by the renewal sweep; Superseded is set by a renewal.
/// </summary>
public enum RenewalState
{
    /// <summary>Before its renewal due time.</summary>
    Valid = 0,

    /// <summary>Past its due time; the device is expected to renew now.</summary>
    Due = 1,

    /// <summary>Due for longer than the schedule's grace period without a renewal: somebody should look.</summary>
    Overdue = 2,

    /// <summary>Past notAfter without a renewal.</summary>
    Expired = 3,

    /// <summary>Renewed: <see cref="Model.CertificateRecord.SupersededBy"/> names the successor.</summary>
    Superseded = 4,
}
