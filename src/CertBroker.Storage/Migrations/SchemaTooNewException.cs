namespace CertBroker.Storage.Migrations;

/// <summary>The database schema is newer than this build understands; an older build must not write to it.</summary>
public sealed class SchemaTooNewException(int databaseVersion, int supportedVersion)
    : InvalidOperationException(
        $"The database schema is at version {databaseVersion}, but this build of CertBroker only knows versions up to " +
        $"{supportedVersion}. It was migrated by a newer release; run that release (or restore a backup taken before " +
        "the upgrade) instead of downgrading.")
{
    public int DatabaseVersion { get; } = databaseVersion;

    public int SupportedVersion { get; } = supportedVersion;
}
