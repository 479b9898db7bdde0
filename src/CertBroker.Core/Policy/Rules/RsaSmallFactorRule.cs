using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-RSA-06: the modulus is odd and has no prime factor below 752 (BR §6.1.6).</summary>
public sealed class RsaSmallFactorRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-RSA-06";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject is { IsRsa: true, Modulus: { } n } && PrimeMath.SmallFactor(n) is { } factor)
        {
            string observed = factor == 2 ? "even modulus" : $"factor {factor}";
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), observed, $"no prime factor < {PrimeMath.SmallFactorBound}",
                factor == 2 ? "RSA modulus is even" : $"RSA modulus divisible by {factor} (< {PrimeMath.SmallFactorBound})"));
        }
    }
}
