using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-RSA-05: the public exponent lies in [2^16+1, 2^256−1] (BR §6.1.6); e = 3 is legal but discouraged.</summary>
public sealed class RsaExponentRangeRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    private static readonly BigInteger Lowest = 65537;
    private static readonly BigInteger Highest = (BigInteger.One << 256) - 1;

    public string Id => "WC-RSA-05";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject is { IsRsa: true, Exponent: { } e } && e.IsEven == false && e >= 3 && (e < Lowest || e > Highest))
        {
            string observed = e > Highest ? $"{e.GetBitLength()}-bit exponent" : $"e = {e}";
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Warn), observed, "65537 <= e <= 2^256-1",
                $"RSA public exponent {observed} outside [65537, 2^256-1]"));
        }
    }
}
