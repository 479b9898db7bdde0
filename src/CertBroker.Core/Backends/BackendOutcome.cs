using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>What a backend did with a request.</summary>
/// <param name="Status">SUCCESS (issued and recorded), PENDING (the backend settles it later) or FAILURE.</param>
/// <param name="Certificate">The recorded certificate when issued.</param>
/// <param name="FailInfo">What the device is told when refused.</param>
/// <param name="Reason">For the log and the audit trail, never for the device.</param>
/// <param name="AlreadyIssued">The transaction already had a certificate (a concurrent message got it first): the
/// recorded one is returned and nothing new was stored.</param>
public sealed record BackendOutcome(PkiStatus Status, CertificateRecord? Certificate, FailInfo? FailInfo, string Reason, bool AlreadyIssued = false)
{
    public static BackendOutcome Issued(CertificateRecord certificate, bool alreadyIssued, string reason) =>
        new(PkiStatus.Success, certificate, null, reason, alreadyIssued);

    public static BackendOutcome Pending(string reason) => new(PkiStatus.Pending, null, null, reason);

    public static BackendOutcome Refused(FailInfo failInfo, string reason) => new(PkiStatus.Failure, null, failInfo, reason);
}
