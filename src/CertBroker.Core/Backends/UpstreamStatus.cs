using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>How the upstream answered.</summary>
public enum UpstreamStatus
{
    Issued,
    Pending,
    Refused,
    Unreachable,
}
