namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-CMS-01: the SCEP envelope is not single DES or RC2 (RFC 8894 §3.5.2; NIST SP 800-131A Rev.2).</summary>
public sealed class BrokenCipherRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.ContentEncryption is "DES-CBC" or "RC2-CBC")
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), subject.ContentEncryption, "AES",
                $"SCEP request encrypted with {subject.ContentEncryption}"));
        }
    }
}

/// <summary>
/// WC-CMS-02: the SCEP envelope is 3DES. A warning by default: NIST disallows it for encryption after 2023, but many
/// MFDs and routers speak nothing else.
/// </summary>
public sealed class TripleDesRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-02";

    /// <summary>Whether an enforcing profile refuses 3DES, and so stops advertising DES3.</summary>
    public bool Fails => options.VerdictOf(Id, FindingSeverity.Warn) == FindingSeverity.Fail;

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.ContentEncryption is "3DES-CBC")
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Warn), "3DES-CBC", "AES", "SCEP request encrypted with 3DES"));
        }
    }
}

/// <summary>WC-CMS-03: the pkiMessage's digest is not MD5 (FAIL) or SHA-1 (WARN by default).</summary>
public sealed class MessageDigestRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-03";

    /// <summary>Whether an enforcing profile refuses SHA-1 message digests, and so stops advertising SHA-1.</summary>
    public bool Sha1Fails => options.VerdictOf(Id, FindingSeverity.Warn) == FindingSeverity.Fail;

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        FindingSeverity? severity = subject.MessageDigest switch
        {
            "MD5" => FindingSeverity.Fail,
            "SHA-1" => options.VerdictOf(Id, FindingSeverity.Warn),
            _ => null,
        };
        if (severity is { } verdict)
        {
            findings.Add(new Finding(Id, verdict, subject.MessageDigest!, "SHA-256 or stronger", $"SCEP message digest {subject.MessageDigest}"));
        }
    }
}

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
