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
        Audit = new PostgresAuditTrail(source);
        Devices = new PostgresDeviceStore(source);
        Renewal = new PostgresRenewalStore(source);
        Search = new PostgresInventorySearchIndex();
    }

    public PostgresDataSource Source { get; }

    public PostgresAuditTrail Audit { get; }

    /// <summary>Devices and the certificate inventory.</summary>
    public PostgresDeviceStore Devices { get; }

    public PostgresRenewalStore Renewal { get; }

    public PostgresInventorySearchIndex Search { get; }

    public void Dispose() => Source.Dispose();
}
