using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace CertBroker.Core.Policy;

/// <summary>What one re-scan did.</summary>
/// <param name="Certificates">Certificates checked.</param>
/// <param name="WithFindings">Certificates left with at least one finding.</param>
/// <param name="SharedPrimesChecked">False when the inventory had more RSA keys than the shared-prime limit.</param>
public sealed record RescanSummary(int Certificates, int WithFindings, bool SharedPrimesChecked);
