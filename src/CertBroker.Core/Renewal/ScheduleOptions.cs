namespace CertBroker.Core.Renewal;

/// <summary>
/// <c>CertBroker:Schedule</c>: how often each lifecycle job runs and how much one run does. Intervals are minutes
/// between runs of a Quartz simple trigger; a run missed while the service was down fires once at start-up, then
/// the interval resumes (see docs/operations.md, "Scheduled jobs").
/// </summary>
public sealed class ScheduleOptions
{
    public const string SectionName = "CertBroker:Schedule";

    /// <summary>Whether the lifecycle jobs run in this process at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Minutes between renewal sweeps (due, overdue, expired). Default 15.</summary>
    public int RenewalSweepMinutes { get; set; } = 15;

    /// <summary>Minutes between expiry-alert runs. Default 60.</summary>
    public int ExpiryAlertMinutes { get; set; } = 60;

    /// <summary>Minutes between expiries of stale pending requests. Default 5: expiry is counted in days.</summary>
    public int PendingExpiryMinutes { get; set; } = 5;

    /// <summary>
    /// Minutes between CRL checks; each regenerates the CRL once it is within CrlRefreshMarginHours of its
    /// nextUpdate. Default 30, which must stay below that margin.
    /// </summary>
    public int CrlRefreshMinutes { get; set; } = 30;

    /// <summary>Minutes between clean-ups of used and expired one-time challenges. Default 60.</summary>
    public int ChallengeCleanupMinutes { get; set; } = 60;

    /// <summary>Minutes between weak-crypto re-scans of the whole inventory. Default 1440 (daily).</summary>
    public int PolicyRescanMinutes { get; set; } = 1440;

    /// <summary>
    /// Certificates changed per database transaction by a sweep, 100 to 100000. Default 500: a batch's rows then stay
    /// in SQLite's page cache from the read to the write, and enrolments wait for at most one short transaction.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Hours a certificate stays Due before it is reported Overdue. Default 72.</summary>
    public int OverdueAfterHours { get; set; } = 72;

    /// <summary>
    /// Days before notAfter at which an expiry alert fires, each once per certificate. Default 30, 14, 7, 1. A
    /// certificate already inside several thresholds when first seen gets only the smallest one.
    /// </summary>
    public int[] ExpiryAlertDays { get; set; } = [30, 14, 7, 1];

    /// <summary>Days a used or expired one-time challenge is kept (for support questions) before clean-up. Default 7.</summary>
    public int ChallengeRetentionDays { get; set; } = 7;

    /// <summary>Minutes between clean-ups of old failed transactions. Default 60.</summary>
    public int TransactionCleanupMinutes { get; set; } = 60;

    /// <summary>
    /// Days a failed transaction (refused, rejected by an admin, expired in the queue) is kept before clean-up, 1 to
    /// 3650. Default 30. A device re-sending one after that is judged anew; the audit trail keeps the decision.
    /// </summary>
    public int FailedTransactionRetentionDays { get; set; } = 30;
}
