namespace CertBroker.Storage.Migrations;

/// <summary>One versioned schema change, applied once and in version order.</summary>
/// <param name="Version">Positive, contiguous from 1; recorded in the database's schema_version table.</param>
/// <param name="Name">File name without version and extension, e.g. "initial", for logs and the version table.</param>
/// <param name="Sql">The statements to run, in the dialect of the database the script belongs to.</param>
public sealed record MigrationScript(int Version, string Name, string Sql);
