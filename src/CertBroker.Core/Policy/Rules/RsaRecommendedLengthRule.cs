using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-RSA-02: a note for moduli between the minimum and BSI TR-02102-1's 3000 bits (NIST IR 8547 draft).</summary>
public sealed class RsaRecommendedLengthRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-RSA-02";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.IsRsa && subject.ModulusBits >= options.MinimumRsaBits && subject.ModulusBits < options.RecommendedRsaBits)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Info), $"{subject.ModulusBits} bits", $">= {options.RecommendedRsaBits} bits",
                $"RSA key {subject.ModulusBits} bits < {options.RecommendedRsaBits} (BSI TR-02102-1; deprecated after 2030)"));
        }
    }
}
