namespace CertBroker.Core.Renewal;

/// <summary>A certificate with no renewal due time yet (issued before scheduling existed, or imported).</summary>
public sealed record UnscheduledCertificate(long CertificateId, string Profile, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
