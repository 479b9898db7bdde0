using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-VAL-01: the requested or issued validity is not longer than the profile's maximum.</summary>
public sealed class ValidityRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-VAL-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject is { Validity: { } validity, MaximumValidity: { } maximum } && validity > maximum + TimeSpan.FromDays(1))
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Warn), $"{validity.TotalDays:0} days", $"<= {maximum.TotalDays:0} days",
                $"Validity {validity.TotalDays:0} days > profile maximum {maximum.TotalDays:0}"));
        }
    }
}
