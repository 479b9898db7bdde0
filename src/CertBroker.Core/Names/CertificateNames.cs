using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Names;

/// <summary>The names a request or a certificate carries, decoded: its subject and its subjectAltName entries.</summary>
public sealed record CertificateNames(IReadOnlyList<SubjectAttribute> Subject, IReadOnlyList<AlternativeName> AlternativeNames)
{
    /// <summary>Most subject attributes and subjectAltName entries read before a request is refused as too large.</summary>
    public const int MaxEntries = 64;

    public const string SubjectAltNameOid = "2.5.29.17";

    public static CertificateNames Empty { get; } = new([], []);

    /// <summary>The names of a CSR: its subject and its requested subjectAltName, if any.</summary>
    /// <exception cref="NameFormatException">A name does not parse, or the request asks for two subjectAltNames.</exception>
    public static CertificateNames FromRequest(X500DistinguishedName subject, IReadOnlyList<X509Extension> requestedExtensions)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(requestedExtensions);
        X509Extension? san = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (X509Extension extension in requestedExtensions)
        {
            string oid = extension.Oid?.Value ?? "";
            if (!seen.Add(oid))
            {
                throw new NameFormatException($"The request asks for extension {oid} twice.");
            }

            if (oid == SubjectAltNameOid)
            {
                san = extension;
            }
        }

        return From(subject.RawData, san?.RawData);
    }

    /// <summary>The names of an issued certificate, to compare a renewal with.</summary>
    /// <exception cref="NameFormatException">The certificate's names do not parse.</exception>
    public static CertificateNames FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509Extension? san = certificate.Extensions[SubjectAltNameOid];
        return From(certificate.SubjectName.RawData, san?.RawData);
    }

    private static CertificateNames From(ReadOnlyMemory<byte> subject, byte[]? subjectAltName)
    {
        IReadOnlyList<SubjectAttribute> attributes = NameReader.ReadName(subject);
        IReadOnlyList<AlternativeName> names = subjectAltName is null ? [] : NameReader.ReadGeneralNames(subjectAltName);
        return new CertificateNames(attributes, names);
    }

    /// <summary>The first value of an attribute type, or null.</summary>
    public string? First(SubjectAttributeType type) => Subject.FirstOrDefault(a => a.Type.Oid == type.Oid)?.Value;

    /// <summary>The subject as one line, most specific first, as OpenSSL and .NET print it ("CN=x, O=y").</summary>
    public string SubjectText => string.Join(", ", Subject.Reverse().Select(a => a.ToString()));

    /// <summary>The subjectAltName entries as printed (see <see cref="AlternativeName.ToString"/>).</summary>
    public IReadOnlyList<string> AlternativeNameTexts => AlternativeNames.Select(n => n.ToString()).ToList();

    /// <summary>
    /// Whether both name the same: the same attributes with the same values in the same order (string types aside),
    /// and the same set of subjectAltName entries.
    /// </summary>
    public bool SameAs(CertificateNames other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Subject.Count == other.Subject.Count
            && Subject.Zip(other.Subject).All(p => p.First.Type.Oid == p.Second.Type.Oid && string.Equals(p.First.Value, p.Second.Value, StringComparison.Ordinal))
            && AlternativeNames.All(n => other.AlternativeNames.Any(n.SameAs))
            && other.AlternativeNames.All(n => AlternativeNames.Any(n.SameAs));
    }
}
