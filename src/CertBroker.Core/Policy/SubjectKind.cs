using System.Numerics;

namespace CertBroker.Core.Policy;

/// <summary>Whether the rules look at a certification request (with its SCEP envelope) or at a certificate.</summary>
public enum SubjectKind
{
    Request,
    Certificate,
}
