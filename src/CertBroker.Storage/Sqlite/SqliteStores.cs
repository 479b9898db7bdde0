using CertBroker.Core.Audit;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Every SQLite store over one <see cref="SqliteDataSource"/>, for tools and tests that build them without a
/// service container (the host uses <see cref="SqliteServiceCollectionExtensions.AddSqliteStore"/>). Disposing it
/// disposes the data source.
/// </summary>
public sealed class SqliteStores : IDisposable
{
    public SqliteStores(SqliteStoreOptions options, ILogger<SqliteDataSource> logger, AuditOptions? audit = null)
        : this(new SqliteDataSource(options, logger, audit))
    {
    }

    public SqliteStores(SqliteDataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        Enrolments = new SqliteEnrolmentStore(source);
        Certificates = new SqliteCertificateStore(source);
        Accounts = new SqliteAccountStore(source);
        Approvals = new SqliteApprovalStore(source);
        Audit = new SqliteAuditTrail(source);
        Challenges = new SqliteChallengeStore(source);
        Devices = new SqliteDeviceStore(source);
        Policy = new SqlitePolicyStore(source);
        Renewal = new SqliteRenewalStore(source);
        RenewalEvents = new SqliteRenewalEventLog(source);
        Reports = new SqliteExpiryReportSource(source);
        Search = new SqliteInventorySearchIndex(source);
        Upstream = new SqliteUpstreamRequestStore(source);
    }

    public SqliteDataSource Source { get; }

    public SqliteEnrolmentStore Enrolments { get; }

    public SqliteCertificateStore Certificates { get; }

    /// <summary>Accounts, API tokens and their administration.</summary>
    public SqliteAccountStore Accounts { get; }

    public SqliteApprovalStore Approvals { get; }

    public SqliteAuditTrail Audit { get; }

    /// <summary>One-time challenges and their clean-up.</summary>
    public SqliteChallengeStore Challenges { get; }

    /// <summary>Devices and the certificate inventory.</summary>
    public SqliteDeviceStore Devices { get; }

    public SqlitePolicyStore Policy { get; }

    public SqliteRenewalStore Renewal { get; }

    public SqliteRenewalEventLog RenewalEvents { get; }

    public SqliteExpiryReportSource Reports { get; }

    public SqliteInventorySearchIndex Search { get; }

    public SqliteUpstreamRequestStore Upstream { get; }

    public void Dispose() => Source.Dispose();
}
