namespace CertBroker.Scep.Tests;

/// <summary>The committed fuzz inputs under tests/CertBroker.Fuzz, found from the test assembly's location.</summary>
internal static class FuzzFiles
{
    /// <summary>The seed corpus of a target: messages and requests captured from real clients.</summary>
    public static IEnumerable<string> Corpus(string target) => Files(Path.Combine(Root(), "corpus", target));

    /// <summary>Inputs fuzzing once failed on, kept so every run tries them again.</summary>
    public static IEnumerable<string> Regressions(string target) => Files(Path.Combine(Root(), "regressions", target));

    public static string Regression(string target, string name) => Path.Combine(Root(), "regressions", target, name);

    private static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory).Order(StringComparer.Ordinal) : [];

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CertBroker.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "CertBroker.Fuzz");
            }
        }

        throw new InvalidOperationException($"No CertBroker.sln above {AppContext.BaseDirectory}.");
    }
}
