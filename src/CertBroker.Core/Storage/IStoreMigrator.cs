using CertBroker.Core.Model;
namespace CertBroker.Core.Storage;

/// <summary>Brings a database schema to the version this build expects; run once at start-up.</summary>
public interface IStoreMigrator
{
    /// <returns>The schema version after migration.</returns>
    Task<int> MigrateAsync(CancellationToken cancellationToken);
}
