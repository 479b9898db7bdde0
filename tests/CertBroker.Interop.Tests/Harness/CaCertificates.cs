using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// The certificates a server returns for GetCACert (RFC 8894 section 4.2): one DER certificate
/// (application/x-x509-ca-cert) or a degenerate PKCS#7 SignedData with CA and RA certificates
/// (application/x-x509-ca-ra-cert).
/// </summary>
public sealed class CaCertificates
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private const string SignedDataOid = "1.2.840.113549.1.7.2";

    public CaCertificates(IReadOnlyList<X509Certificate2> all, string contentType)
    {
        All = all;
        ContentType = contentType;
    }

    public IReadOnlyList<X509Certificate2> All { get; }

    /// <summary>The Content-Type header exactly as the server sent it.</summary>
    public string ContentType { get; }

    /// <summary>Certificates with basicConstraints CA:TRUE (or a lone self-signed one): what issued certificates chain to.</summary>
    public IReadOnlyList<X509Certificate2> Authorities =>
        All.Where(IsAuthority).ToList() is { Count: > 0 } authorities ? authorities : All.Where(IsSelfSigned).ToList();

    /// <summary>The self-signed authority to trust.</summary>
    public X509Certificate2 Root =>
        Authorities.FirstOrDefault(IsSelfSigned) ?? throw new InvalidOperationException("GetCACert returned no self-signed CA certificate");

    /// <summary>Authorities that are not self-signed: intermediates the issued certificate may chain through.</summary>
    public IReadOnlyList<X509Certificate2> Intermediates => Authorities.Where(c => !IsSelfSigned(c)).ToList();

    /// <summary>The RA certificates: everything that is not an authority.</summary>
    public IReadOnlyList<X509Certificate2> RegistrationAuthorities => All.Where(c => !IsAuthority(c) && !IsSelfSigned(c)).ToList();

    public static async Task<CaCertificates> FetchAsync(string scepUrl, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(scepUrl + "?operation=GetCACert", cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GetCACert at {scepUrl} answered {(int)response.StatusCode}");
        }

        var contentType = response.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : "";
        return Parse(body, contentType);
    }

    public static CaCertificates Parse(byte[] body, string contentType)
    {
        var certificates = contentType.StartsWith("application/x-x509-ca-ra-cert", StringComparison.OrdinalIgnoreCase) || LooksLikeSignedData(body)
            ? ReadDegenerateSignedData(body)
            : [X509CertificateLoader.LoadCertificate(body)];
        return new CaCertificates(certificates, contentType);
    }

    /// <summary>Writes the root to <c>ca.pem</c> and any intermediates to <c>intermediates.pem</c> for <c>openssl verify</c>.</summary>
    public (string CaFile, string? UntrustedFile) WritePem(string directory)
    {
        var caFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(caFile, Root.ExportCertificatePem() + "\n");
        if (Intermediates.Count == 0)
        {
            return (caFile, null);
        }

        var untrusted = Path.Combine(directory, "intermediates.pem");
        File.WriteAllText(untrusted, string.Join("\n", Intermediates.Select(c => c.ExportCertificatePem())) + "\n");
        return (caFile, untrusted);
    }

    public static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    public static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private static bool LooksLikeSignedData(byte[] body)
    {
        try
        {
            var contentInfo = new AsnReader(body, AsnEncodingRules.BER).ReadSequence();
            return contentInfo.ReadObjectIdentifier() == SignedDataOid;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    // ContentInfo { contentType, [0] EXPLICIT SignedData { version, digestAlgorithms, encapContentInfo,
    // certificates [0] IMPLICIT SET OF Certificate, ... } } (RFC 5652 section 5.1). BER: some servers send indefinite lengths.
    private static List<X509Certificate2> ReadDegenerateSignedData(byte[] body)
    {
        var contentInfo = new AsnReader(body, AsnEncodingRules.BER).ReadSequence();
        if (contentInfo.ReadObjectIdentifier() != SignedDataOid)
        {
            throw new InvalidOperationException("GetCACert body is not PKCS#7 SignedData");
        }

        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf(skipSortOrderValidation: true);
        signedData.ReadSequence();
        var certificates = new List<X509Certificate2>();
        var certificateTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(certificateTag))
        {
            var set = signedData.ReadSetOf(skipSortOrderValidation: true, expectedTag: certificateTag);
            while (set.HasData)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(set.ReadEncodedValue().Span));
            }
        }

        return certificates;
    }
}
