namespace CertBroker.Core.Backends;

/// <summary>How the upstream answered.</summary>
public enum UpstreamStatus
{
    Issued,
    Pending,
    Refused,
    Unreachable,
}
