using System.Numerics;

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

/// <summary>WC-RSA-04: the public exponent is odd and at least 3 (BR §6.1.6; Mozilla Root Store Policy §5.2).</summary>
public sealed class RsaExponentValidityRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-RSA-04";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject is { IsRsa: true, Exponent: { } e } && (e.IsEven || e < 3))
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), $"e = {e}", "odd, >= 3",
                $"RSA public exponent {e} is {(e.IsEven ? "even" : "below 3")}"));
        }
    }
}

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
