using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Tests;

/// <summary>
/// Messages captured from micromdm's SCEP implementation, as Debian's golang-github-micromdm-scep-dev installs them.
/// They are read from the system, not copied into the repository.
/// </summary>
internal static class GoldenMessages
{
    public const string Directory = "/usr/share/gocode/src/github.com/micromdm/scep/scep/testdata";

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(Directory, relativePath));

    public static X509Certificate2 CaCertificate() => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Directory, "testca/ca.pem")));

    /// <summary>The test CA key: legacy OpenSSL PEM encryption (3DES) with an empty password, which .NET does not read.</summary>
    public static RSA CaKey()
    {
        using var text = new StringReader(File.ReadAllText(Path.Combine(Directory, "testca/ca.key")));
        var pair = (Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair)new Org.BouncyCastle.OpenSsl.PemReader(text, new EmptyPassword()).ReadObject();
        var key = (Org.BouncyCastle.Crypto.Parameters.RsaPrivateCrtKeyParameters)pair.Private;
        return RSA.Create(Org.BouncyCastle.Security.DotNetUtilities.ToRSAParameters(key));
    }

    private sealed class EmptyPassword : Org.BouncyCastle.OpenSsl.IPasswordFinder
    {
        public char[] GetPassword() => [];
    }
}
