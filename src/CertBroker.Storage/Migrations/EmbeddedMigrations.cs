using System.Globalization;
using System.Reflection;

namespace CertBroker.Storage.Migrations;

/// <summary>
/// Reads migration scripts embedded as resources named "{prefix}NNNN_name.sql". Each database keeps its own scripts
/// under its own prefix; loading and ordering them is the same for all.
/// </summary>
public static class EmbeddedMigrations
{
    /// <summary>Loads every script under <paramref name="resourcePrefix"/>, ordered by version.</summary>
    /// <exception cref="InvalidOperationException">
    /// A script name has no version, two scripts share a version, or versions skip a number. These are build
    /// mistakes, so they fail loudly rather than leave a database half-way between versions.
    /// </exception>
    public static IReadOnlyList<MigrationScript> Load(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);

        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal)
                || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = resource[resourcePrefix.Length..^".sql".Length];
            var (version, name) = ParseFileName(fileName, resource);
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource {resource} could not be opened.");
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(version, name, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migrations under {resourcePrefix} must be numbered 1, 2, 3… without gaps or repeats; " +
                    $"found version {scripts[i].Version} ({scripts[i].Name}) in position {i + 1}.");
            }
        }

        return scripts;
    }

    private static (int Version, string Name) ParseFileName(string fileName, string resource)
    {
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0
            || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || version <= 0)
        {
            throw new InvalidOperationException(
                $"Migration resource {resource} is not named NNNN_name.sql with a positive version number.");
        }

        return (version, fileName[(separator + 1)..]);
    }
}
