namespace CertBroker.Interop.Tests.Harness;

/// <summary>Where the repository and the build being tested live, found from the test assembly's own location.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The folder holding CertBroker.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The build configuration of this test assembly (bin/&lt;Configuration&gt;/net10.0), so the server tested is the one built with it.</summary>
    public static string Configuration
    {
        get
        {
            var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var bin = Array.LastIndexOf(parts, "bin");
            return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
        }
    }

    /// <summary>The CertBroker server assembly that <c>dotnet</c> starts.</summary>
    public static string CertBrokerServerAssembly =>
        Path.Combine(RepositoryRoot, "src", "CertBroker.Server", "bin", Configuration, "net10.0", "certbroker.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CertBroker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CertBroker.sln above {AppContext.BaseDirectory}");
    }
}
