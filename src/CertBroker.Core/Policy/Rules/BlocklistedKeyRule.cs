using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>
/// WC-KEY-01: the key is on the operator's blocklist of known-compromised keys (Debian OpenSSL CVE-2008-0166,
/// badkeys lists; BR §6.1.1.3).
/// </summary>
public sealed class BlocklistedKeyRule(WeakCryptoOptions options, KeyBlocklist blocklist) : IWeakCryptoRule
{
    public string Id => "WC-KEY-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (blocklist.Contains(subject) is { } match)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), $"{match[..16]}… listed", "not on the blocklist",
                "Key is on the blocklist of compromised keys"));
        }
    }
}
