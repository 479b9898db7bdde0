namespace CertBroker.Scep.Cms;

/// <summary>One attribute of a SignerInfo, values kept encoded.</summary>
public sealed record CmsAttribute(string Oid, IReadOnlyList<ReadOnlyMemory<byte>> Values);
