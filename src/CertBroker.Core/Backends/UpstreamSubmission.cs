using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>What the broker asks the upstream for.</summary>
/// <param name="TransactionId">The upstream transactionID: the same on every retry and poll, so the upstream sees one transaction.</param>
/// <param name="CertificationRequest">The device's CSR, DER, unchanged.</param>
/// <param name="Subject">The CSR's subject, for CertPoll's IssuerAndSubject.</param>
public sealed record UpstreamSubmission(string TransactionId, byte[] CertificationRequest, X500DistinguishedName Subject);
