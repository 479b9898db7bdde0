namespace CertBroker.Storage.Migrations;

/// <summary>Decides which scripts a database at a given version still needs.</summary>
public static class MigrationPlan
{
    /// <param name="scripts">All scripts this build knows, ordered by version (as <see cref="EmbeddedMigrations"/> returns them).</param>
    /// <param name="currentVersion">The database's version; 0 for an empty database.</param>
    /// <returns>The scripts newer than <paramref name="currentVersion"/>, in the order to apply them.</returns>
    /// <exception cref="SchemaTooNewException">
    /// The database was migrated by a newer build. Running against it could write rows the newer schema does not
    /// expect, so start-up stops instead.
    /// </exception>
    public static IReadOnlyList<MigrationScript> Pending(IReadOnlyList<MigrationScript> scripts, int currentVersion)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var latest = LatestVersion(scripts);
        if (currentVersion > latest)
        {
            throw new SchemaTooNewException(currentVersion, latest);
        }

        return scripts.Where(s => s.Version > currentVersion).ToArray();
    }

    public static int LatestVersion(IReadOnlyList<MigrationScript> scripts)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        return scripts.Count == 0 ? 0 : scripts[^1].Version;
    }
}
