namespace CertBroker.Core.Names;

/// <summary>NAME-TYPE: the profile allows this subject attribute or subjectAltName type.</summary>
public sealed class TypeRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-TYPE";

    public string? Check(NameCandidate candidate) => candidate switch
    {
        { Attribute: { } attribute } when !settings.AllowedAttributeOids.Contains(attribute.Type.Oid) =>
            $"subject attribute {attribute.Type.Name} is not allowed by the profile",
        { Alternative: { } name } when !settings.AllowedAltNameTypes.Contains(name.Type) =>
            $"subjectAltName type {name.TypeName} is not allowed by the profile",
        { Alternative: { Type: GeneralNameType.DirectoryName } directory }
            when directory.Directory.FirstOrDefault(a => !settings.AllowedAttributeOids.Contains(a.Type.Oid)) is { } hidden =>
            $"attribute {hidden.Type.Name} inside a directoryName is not allowed by the profile",
        _ => null,
    };
}
