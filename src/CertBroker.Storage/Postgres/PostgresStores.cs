using CertBroker.Core.Audit;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Every PostgreSQL store over one <see cref="PostgresDataSource"/>, for tools and tests that build them without a
/// service container (the host uses <see cref="PostgresServiceCollectionExtensions.AddPostgresStore"/>). Disposing it
/// disposes the data source.
/// </summary>
public sealed class PostgresStores : IDisposable
{
    public PostgresStores(PostgresStoreOptions options, ILogger<PostgresDataSource> logger, AuditOptions? audit = null)
        : this(new PostgresDataSource(options, logger, audit))
    {
    }

    public PostgresStores(PostgresDataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        Enrolments = new PostgresEnrolmentStore(source);
        Certificates = new PostgresCertificateStore(source);
        Approvals = new PostgresApprovalStore(source);
        Audit = new PostgresAuditTrail(source);
        Devices = new PostgresDeviceStore(source);
        Renewal = new PostgresRenewalStore(source);
        Search = new PostgresInventorySearchIndex();
        Challenges = new PostgresChallengeStore(source);
        Upstream = new PostgresUpstreamRequestStore(source);
        Accounts = new PostgresAccountStore(source);
        Policy = new PostgresPolicyStore(source);
        RenewalEvents = new PostgresRenewalEventLog(source);
        Reports = new PostgresExpiryReportSource(source);
    }

    public PostgresDataSource Source { get; }

    public PostgresEnrolmentStore Enrolments { get; }

    public PostgresCertificateStore Certificates { get; }

    public PostgresApprovalStore Approvals { get; }

    public PostgresAuditTrail Audit { get; }

    /// <summary>Devices and the certificate inventory.</summary>
    public PostgresDeviceStore Devices { get; }

    public PostgresRenewalStore Renewal { get; }

    public PostgresInventorySearchIndex Search { get; }

    /// <summary>One-time challenges and their clean-up.</summary>
    public PostgresChallengeStore Challenges { get; }

    public PostgresUpstreamRequestStore Upstream { get; }
    /// <summary>Accounts, API tokens and their administration.</summary>
    public PostgresAccountStore Accounts { get; }

    public PostgresPolicyStore Policy { get; }

    public PostgresRenewalEventLog RenewalEvents { get; }

    public PostgresExpiryReportSource Reports { get; }

    public void Dispose() => Source.Dispose();
}
