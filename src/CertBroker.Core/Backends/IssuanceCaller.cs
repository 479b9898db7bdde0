using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Backends;

/// <summary>Who asks for a certificate, for the audit trail: the device, an admin approving, or the broker's job.</summary>
/// <param name="Actor">The audit actor.</param>
/// <param name="SourceAddress">The caller's address, if any.</param>
/// <param name="IssuedAction">The audit action when the certificate is recorded.</param>
/// <param name="Decision">Recorded on the transaction with the certificate (an admin's approval).</param>
public sealed record IssuanceCaller(string Actor, string? SourceAddress, string IssuedAction, RequestDecision? Decision = null)
{
    /// <summary>The audit actor for a SCEP client's own request.</summary>
    public const string DeviceActor = "device";

    /// <summary>The audit actor for what the broker does by itself.</summary>
    public const string SystemActor = AuditEvent.SystemActor;

    public static IssuanceCaller Device(string? sourceAddress) => new(DeviceActor, sourceAddress, AuditActions.EnrolmentIssued);

    public static IssuanceCaller System { get; } = new(SystemActor, null, AuditActions.EnrolmentIssued);

    /// <summary>An audit event about <paramref name="transaction"/> by this caller.</summary>
    public AuditEvent Audit(EnrolmentTransaction transaction, DateTimeOffset now, string action, AuditOutcome outcome, string details) => new()
    {
        Time = now,
        Action = action,
        Outcome = outcome,
        Actor = Actor,
        SourceAddress = SourceAddress,
        // A device's events name its transactionID; an admin's and the broker's name the request's ID.
        Target = Actor == DeviceActor ? transaction.TransactionId : transaction.Id.ToString(CultureInfo.InvariantCulture),
        Profile = transaction.Profile,
        Details = details,
    };
}
