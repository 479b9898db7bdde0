using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Tests;

/// <summary>
/// A certificate's renewal life on one store, driven by the real sweep and alerts on a fake clock that starts at
/// <see cref="Issued"/>.
/// </summary>
internal sealed class RenewalScenario(StoreUnderTest store)
{
    public static readonly DateTimeOffset Issued = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Issued);

    public ScheduleOptions Schedule { get; } = new() { OverdueAfterHours = 72 };

    public RenewalSweep Sweep(IRenewalStore? renewal = null) => new(
        renewal ?? store.Renewal,
        new ProfileCatalog(Options.Create(new BrokerOptions())),
        Options.Create(Schedule),
        Clock,
        new AuditRecorder(store.Audit, NullAuditForwarder.Instance),
        NullRenewalNotifier.Instance,
        new Random(7));

    public ExpiryAlerts Alerts() =>
        new(store.Renewal, Options.Create(Schedule), Clock, new AuditRecorder(store.Audit, NullAuditForwarder.Instance), NullRenewalNotifier.Instance);

    /// <summary>Issues a certificate valid from <see cref="Issued"/>, at the clock's time.</summary>
    public async Task<CertificateRecord> IssueAsync(DateTimeOffset? dueAt, DateTimeOffset notAfter, string? renewalOf = null, long? challenge = null)
    {
        EnrolmentTransaction transaction = TestData.Transaction() with
        {
            RenewalOf = renewalOf,
            Challenge = challenge is { } id ? new ChallengeRedemption(id, Event(AuditActions.ChallengeUsed)) : null,
        };
        CertificateRecord certificate = TestData.Certificate(transactionId: transaction.TransactionId, notAfter: notAfter) with
        {
            NotBefore = Issued,
            IssuedAt = Clock.GetUtcNow(),
            RenewalDueAt = dueAt,
        };
        return (await store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None)).Certificate;
    }

    public async Task<RenewalState> StateAsync(CertificateRecord certificate) =>
        (await store.Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None))!.RenewalState;

    /// <summary>Lifecycle audit actions recorded for <paramref name="certificate"/>, oldest first.</summary>
    public async Task<string[]> ActionsAsync(CertificateRecord certificate) =>
        [.. (await store.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Select(e => e.Event)
            .Where(e => e.Target == certificate.Serial).OrderBy(e => e.Time).Select(e => e.Action)];

    public static AuditEvent Event(string action) => new()
    {
        Time = Issued,
        Action = action,
        Outcome = AuditOutcome.Success,
        Actor = "admin",
    };
}
