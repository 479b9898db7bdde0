using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// What an upstream advertised (GetCACaps) and presented (GetCACert), sorted into what the broker needs: the CA
/// chain devices see, the certificate requests are enveloped to, and the certificates a CertRep may be signed by.
/// </summary>
public sealed class UpstreamCertificates
{
    public UpstreamCertificates(IReadOnlySet<string> capabilities, byte[] caCertBody, IReadOnlyList<X509Certificate2> certificates, DateTimeOffset fetchedAt)
    {
        if (certificates.Count == 0)
        {
            throw new UpstreamUnreachableException("GetCACert carried no certificate.");
        }

        Capabilities = capabilities;
        CaCertBody = caCertBody;
        Certificates = certificates;
        FetchedAt = fetchedAt;
        List<X509Certificate2> authorities = certificates.Where(IsAuthority).ToList();
        List<X509Certificate2> registrationAuthorities = certificates.Where(c => !IsAuthority(c)).ToList();
        if (authorities.Count == 0)
        {
            // A lone certificate without basicConstraints is taken as the CA (some test CAs omit the extension).
            authorities = [certificates[^1]];
            registrationAuthorities.Remove(certificates[^1]);
        }

        // The issuing CA issued the RA certificates (NDES); without an RA, it is the CA that issued no other CA here.
        IssuingCa = registrationAuthorities.Count > 0
            ? authorities.FirstOrDefault(a => a.SubjectName.RawData.AsSpan().SequenceEqual(registrationAuthorities[0].IssuerName.RawData)) ?? authorities[0]
            : authorities.FirstOrDefault(a => !authorities.Any(o => o != a && o.IssuerName.RawData.AsSpan().SequenceEqual(a.SubjectName.RawData)))
              ?? authorities[0];
        CaChain = Chain(IssuingCa, authorities);

        // NDES: the "CEP Encryption" certificate (keyEncipherment); micromdm's scepserver: the CA itself.
        Recipient = registrationAuthorities.FirstOrDefault(c => AllowsKeyEncipherment(c)) ?? registrationAuthorities.FirstOrDefault() ?? IssuingCa;
    }

    public IReadOnlySet<string> Capabilities { get; }

    /// <summary>The GetCACert body as received, kept in the data directory for a restart without the upstream.</summary>
    public byte[] CaCertBody { get; }

    public IReadOnlyList<X509Certificate2> Certificates { get; }

    public DateTimeOffset FetchedAt { get; }

    /// <summary>The CA that issues device certificates.</summary>
    public X509Certificate2 IssuingCa { get; }

    /// <summary>Issuing CA first, then its issuers as far as the upstream presented them.</summary>
    public IReadOnlyList<X509Certificate2> CaChain { get; }

    /// <summary>The certificate a request's envelope is encrypted to.</summary>
    public X509Certificate2 Recipient { get; }

    /// <summary>Whether a CertRep signer is one of the upstream's certificates (RA or CA), as a device would check.</summary>
    public bool IsUpstreamSigner(ReadOnlySpan<byte> signerCertificate)
    {
        foreach (X509Certificate2 certificate in Certificates)
        {
            if (certificate.RawData.AsSpan().SequenceEqual(signerCertificate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true };

    private static bool AllowsKeyEncipherment(X509Certificate2 certificate) =>
        certificate.Extensions["2.5.29.15"] is not X509KeyUsageExtension usage
        || usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyEncipherment);

    private static List<X509Certificate2> Chain(X509Certificate2 issuing, List<X509Certificate2> authorities)
    {
        var chain = new List<X509Certificate2> { issuing };
        X509Certificate2 current = issuing;
        while (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) is false
               && authorities.FirstOrDefault(a => !chain.Contains(a) && a.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)) is { } parent)
        {
            chain.Add(parent);
            current = parent;
        }

        return chain;
    }
}
