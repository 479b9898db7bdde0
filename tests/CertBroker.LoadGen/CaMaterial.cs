using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.LoadGen;

/// <summary>
/// What GetCACert returned (RFC 8894 §4.2.1.2): the RA certificates and the CA chain, told apart by basicConstraints
/// and keyUsage rather than by order.
/// </summary>
public sealed class CaMaterial
{
    private CaMaterial(IReadOnlyList<X509Certificate2> all)
    {
        All = all;
        Authorities = all.Where(IsAuthority).ToList();
        if (Authorities.Count == 0)
        {
            // A lone certificate is the CA and the RA at once.
            Authorities = all.Where(IsSelfSigned).ToList();
        }

        IReadOnlyList<X509Certificate2> ras = all.Except(Authorities).ToList();
        IReadOnlyList<X509Certificate2> candidates = ras.Count > 0 ? ras : Authorities;
        Encryption = candidates.FirstOrDefault(c => HasUsage(c, X509KeyUsageFlags.KeyEncipherment)) ?? candidates[0];
        Signing = candidates.FirstOrDefault(c => HasUsage(c, X509KeyUsageFlags.DigitalSignature)) ?? candidates[0];
        Roots = Authorities.Where(IsSelfSigned).ToList() is { Count: > 0 } roots ? roots : Authorities;
    }

    /// <summary>Every certificate, as sent.</summary>
    public IReadOnlyList<X509Certificate2> All { get; }

    /// <summary>CA certificates: what issued certificates chain through.</summary>
    public IReadOnlyList<X509Certificate2> Authorities { get; }

    /// <summary>The trust anchors: self-signed authorities, or every authority when none is self-signed.</summary>
    public IReadOnlyList<X509Certificate2> Roots { get; }

    /// <summary>The certificate requests are encrypted to: the RA with keyEncipherment.</summary>
    public X509Certificate2 Encryption { get; }

    /// <summary>The certificate expected to sign CertRep: the RA with digitalSignature.</summary>
    public X509Certificate2 Signing { get; }

    /// <exception cref="ScepFormatException">The body is neither a degenerate SignedData nor one DER certificate.</exception>
    public static CaMaterial Parse(byte[] body, string? contentType)
    {
        List<X509Certificate2> certificates;
        if (contentType?.StartsWith("application/x-x509-ca-cert", StringComparison.OrdinalIgnoreCase) == true)
        {
            certificates = [X509CertificateLoader.LoadCertificate(body)];
        }
        else
        {
            SignedDataContent degenerate = SignedDataReader.Read(body);
            certificates = degenerate.Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span)).ToList();
        }

        if (certificates.Count == 0)
        {
            throw new ScepFormatException("GetCACert returned no certificate.");
        }

        return new CaMaterial(certificates);
    }

    /// <summary>Whether <paramref name="certificate"/> builds a valid chain to one of <see cref="Roots"/>, without revocation checks.</summary>
    public bool Chains(X509Certificate2 certificate, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(Roots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(Authorities.ToArray());
        bool valid = chain.Build(certificate);
        problem = valid ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
        return valid;
    }

    private static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    // No keyUsage extension means any usage.
    private static bool HasUsage(X509Certificate2 certificate, X509KeyUsageFlags usage) =>
        certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } keyUsage || (keyUsage.KeyUsages & usage) != 0;
}
