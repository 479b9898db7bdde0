namespace CertBroker.Core.Names;

/// <summary>
/// Which names a profile's certificates may carry (<c>CertBroker:Profiles:&lt;name&gt;:Names</c>). Every name of every
/// request, on every backend, is checked against it before anything is issued, queued or relayed; the issued
/// names are re-encoded by the broker, never copied from the request.
/// </summary>
public sealed class NamePolicyOptions
{
    /// <summary>Subject attributes a request may carry (names such as CN, serialNumber, O, OU, C, L, ST, emailAddress,
    /// DC, UID, unstructuredName, unstructuredAddress, or their OIDs). Default CN and serialNumber.</summary>
    public List<string> SubjectAttributes { get; set; } = [];

    /// <summary>subjectAltName entry types a request may carry: dNSName, iPAddress, rfc822Name,
    /// uniformResourceIdentifier (or URI), upn, kerberosPrincipal, directoryName. Default dNSName and iPAddress.</summary>
    public List<string> SubjectAltNameTypes { get; set; } = [];

    /// <summary>Most subjectAltName entries, 0 to 64. Default 10.</summary>
    public int MaxSubjectAltNames { get; set; } = 10;

    /// <summary>What the CN must be. Default <see cref="CommonNameFormat.Any"/>.</summary>
    public CommonNameFormat CommonName { get; set; } = CommonNameFormat.Any;

    /// <summary>When set, every dNSName (and a CN with <see cref="CommonNameFormat.DnsName"/>) must be one of these
    /// domains or under one of them, at a label boundary. Empty by default: any domain.</summary>
    public List<string> DnsSuffixes { get; set; } = [];

    /// <summary>Whether a DNS name may start with a "*." wildcard label. Default false.</summary>
    public bool AllowWildcards { get; set; }

    /// <summary>When set, every iPAddress must lie in one of these CIDR ranges ("10.20.0.0/16", "fd00::/8"). Empty by default.</summary>
    public List<string> IpRanges { get; set; } = [];

    /// <summary>When set, the domain of every rfc822Name and emailAddress must be one of these or under one. Empty by default.</summary>
    public List<string> EmailDomains { get; set; } = [];

    /// <summary>The suffixes (after the '@') a UPN may have. Required when upn is allowed: a UPN names an account.</summary>
    public List<string> UpnSuffixes { get; set; } = [];

    /// <summary>The realms a Kerberos principal may name (matched without case). Required when kerberosPrincipal is allowed.</summary>
    public List<string> KerberosRealms { get; set; } = [];

    /// <summary>When set, every URI must start with one of these (for example "tag:microsoft.com,2022-09-14:sid:"). Empty by default.</summary>
    public List<string> UriPrefixes { get; set; } = [];

    /// <summary>
    /// Regular expressions a value must match in full, by name type: a subject attribute name (CN, serialNumber, …) or
    /// a subjectAltName type (dNSName, …). Matched without backtracking, so a hostile value costs linear time. Empty by default.
    /// </summary>
    public Dictionary<string, string> Patterns { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What happens to a request with a refused name. Default <see cref="NameViolationAction.Refuse"/>.</summary>
    public NameViolationAction OnViolation { get; set; } = NameViolationAction.Refuse;

    /// <summary>
    /// When set (for example "O=Example Corp, OU=Printers"), the subject is built by the profile: these attributes
    /// plus the request's CN and serialNumber (when allowed), and every other requested subject attribute is ignored,
    /// as an ADCS template's "build from this information". Embedded backend only. Unset by default.
    /// </summary>
    public string? FixedSubject { get; set; }

    /// <summary>Whether a renewal may change the names (they still pass this policy). Default false: a renewal's
    /// certificate names exactly what the certificate that signs it names.</summary>
    public bool AllowChangeOnRenewal { get; set; }
}
