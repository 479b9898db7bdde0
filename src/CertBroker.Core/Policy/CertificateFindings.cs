using CertBroker.Core.Model;

namespace CertBroker.Core.Policy;

/// <summary>The findings of one certificate, to store in place of its earlier ones.</summary>
public sealed record CertificateFindings(long CertificateId, IReadOnlyList<Finding> Findings);
