using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Fuzz;

/// <summary>
/// The CA and RA pairs of the broker that answered when the corpus was captured. Seed messages are encrypted to
/// them, so a mutated message still reaches decryption and the CSR inside. Throwaway keys: nothing trusts them.
/// </summary>
public static class CorpusKeys
{
    private static readonly Lazy<IReadOnlyList<(X509Certificate2 Certificate, RSA Key)>> Loaded = new(Load);

    /// <summary>The decryption keys in the order the broker tries them: encryption RA, signing RA, CA.</summary>
    public static IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> DecryptionKeys => Loaded.Value;

    private static List<(X509Certificate2, RSA)> Load() =>
        [Pair("ra-encryption"), Pair("ra-signing"), Pair("ca")];

    private static (X509Certificate2, RSA) Pair(string name)
    {
        var certificate = X509Certificate2.CreateFromPem(Resource($"keys/{name}-cert.pem"));
        var key = RSA.Create();
        key.ImportFromPem(Resource($"keys/{name}-key.pem"));
        return (certificate, key);
    }

    private static string Resource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
