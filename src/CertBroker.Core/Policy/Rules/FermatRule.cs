using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-KEY-03: the primes are not so close that Fermat's method factors the modulus within 100 rounds.</summary>
public sealed class FermatRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-KEY-03";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject is { IsRsa: true, Modulus: { } n } && PrimeMath.FermatFactor(n, options.FermatRounds) is not null)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), $"factored within {options.FermatRounds} Fermat rounds",
                $"survives {options.FermatRounds} rounds", "RSA primes too close: Fermat's method factors the modulus"));
        }
    }
}
