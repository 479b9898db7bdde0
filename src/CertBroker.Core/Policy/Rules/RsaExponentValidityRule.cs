using System.Numerics;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

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
