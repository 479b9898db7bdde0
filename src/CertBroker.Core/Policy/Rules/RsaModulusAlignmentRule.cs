using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-RSA-03: the modulus length is a multiple of 8 (BR §6.1.5); odd lengths betray a broken generator.</summary>
public sealed class RsaModulusAlignmentRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-RSA-03";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.IsRsa && subject.ModulusBits % 8 != 0)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), $"{subject.ModulusBits} bits", "a multiple of 8",
                $"RSA modulus length {subject.ModulusBits} bits is not a multiple of 8"));
        }
    }
}
