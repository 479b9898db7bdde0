namespace CertBroker.Storage.Postgres;

/// <summary>Where the PostgreSQL database is. Chosen with <c>CertBroker:Storage:Provider=Postgres</c>.</summary>
public sealed class PostgresStoreOptions
{
    public const string SectionName = "CertBroker:Storage:Postgres";

    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db1,db2;Database=certbroker;Username=certbroker;Target Session
    /// Attributes=primary</c>. Required. The password is better given with <c>Passfile</c> or the <c>PGPASSWORD</c>
    /// environment variable than written here. Every node of a cluster names the same database.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How often a transaction that PostgreSQL aborted for a serialization failure or a deadlock is run again before
    /// the error reaches the caller. Default 5.
    /// </summary>
    public int MaxRetries { get; set; } = 5;
}
