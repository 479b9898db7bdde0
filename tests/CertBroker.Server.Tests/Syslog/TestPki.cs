using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>A throw-away CA that issues a collector certificate for localhost and 127.0.0.1, and client certificates.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string name = "Syslog Test CA")
    {
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;

        // Outlives the certificates it issues (one day from the moment each is issued).
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>A collector certificate (serverAuth) for the DNS name <c>localhost</c> and the address 127.0.0.1, with its key.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        return Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", names.Build());
    }

    /// <summary>A client certificate (clientAuth) with its key.</summary>
    public X509Certificate2 IssueClientCertificate(string subject) => Issue(subject, "1.3.6.1.5.5.7.3.2", extension: null);

    public void WriteCertificatePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem());

    public void Dispose()
    {
        Certificate.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Issue(string subject, string extendedKeyUsage, X509Extension? extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(Certificate, now.AddMinutes(-5), now.AddDays(1), serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
    }
}
