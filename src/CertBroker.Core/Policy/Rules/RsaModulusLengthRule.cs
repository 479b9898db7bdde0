using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-RSA-01: the modulus is at least 2048 bits (CA/B Forum BR §6.1.5; NIST SP 800-57's 112-bit floor).</summary>
public sealed class RsaModulusLengthRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-RSA-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.IsRsa && subject.ModulusBits < options.MinimumRsaBits)
        {
            string critical = subject.ModulusBits < options.CriticalRsaBits ? " (critical)" : "";
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), $"{subject.ModulusBits} bits", $">= {options.MinimumRsaBits} bits",
                $"RSA key {subject.ModulusBits} bits < {options.MinimumRsaBits}{critical}"));
        }
    }
}
