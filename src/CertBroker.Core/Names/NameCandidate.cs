namespace CertBroker.Core.Names;

/// <summary>One name a rule looks at: a subject attribute or a subjectAltName entry.</summary>
public sealed record NameCandidate(SubjectAttribute? Attribute, AlternativeName? Alternative)
{
    /// <summary>The configuration name of its type: "CN", "dNSName", …</summary>
    public string TypeName => Attribute?.Type.Name ?? Alternative!.TypeName;

    public string Value => Attribute?.Value ?? Alternative!.Value;

    public bool IsDnsName(CommonNameFormat commonName) =>
        Alternative?.Type == GeneralNameType.DnsName
        || (commonName == CommonNameFormat.DnsName && Attribute?.Type == SubjectAttributeType.CommonName);

    public override string ToString() => Attribute?.ToString() ?? Alternative!.ToString();
}
