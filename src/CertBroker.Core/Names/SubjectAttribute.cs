namespace CertBroker.Core.Names;

/// <summary>One attribute of a subject, as decoded text.</summary>
public sealed record SubjectAttribute(SubjectAttributeType Type, string Value)
{
    public override string ToString() => $"{Type.Name}={Value}";
}
