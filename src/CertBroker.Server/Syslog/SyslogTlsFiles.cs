using System.Security.Cryptography.X509Certificates;

using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>Reads the PEM files of the TLS transport. Read again on every connection, so renewed files are picked up.</summary>
internal static class SyslogTlsFiles
{
    /// <summary>Every certificate in a PEM file, in file order.</summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }

    /// <summary>The first certificate of <paramref name="certificatePath"/> with its private key, read from <paramref name="keyPath"/> or, when unset, the same file.</summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePath, string? keyPath)
    {
        X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(certificatePath, string.IsNullOrEmpty(keyPath) ? null : keyPath);
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        // SChannel cannot use the ephemeral key of a PEM import; a PKCS#12 round trip gives it a usable one.
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    public static void DisposeAll(IEnumerable<X509Certificate2> certificates)
    {
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
