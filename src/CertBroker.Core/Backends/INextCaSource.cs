using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Backends;

/// <summary>The successor CA announced through GetNextCACert (RFC 8894 §3.5.3), when a rollover is configured.</summary>
public interface INextCaSource
{
    /// <summary>The successor CA certificate, or null when none is configured.</summary>
    X509Certificate2? NextCaCertificate { get; }
}
