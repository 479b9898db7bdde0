namespace CertBroker.Scep.Cms;

/// <summary>An AlgorithmIdentifier (RFC 5280 §4.1.1.2) with its parameters kept encoded.</summary>
public readonly record struct AlgorithmIdentifier(string Oid, ReadOnlyMemory<byte> Parameters)
{
    public bool HasParameters => !Parameters.IsEmpty;
}
