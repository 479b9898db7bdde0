namespace CertBroker.Core.Model;

/// <summary>
/// One rule's verdict on one key, signature or message: enough for an admin to act on it without looking the rule up
/// ("RSA key 1024 bits &lt; 2048").
/// </summary>
/// <param name="RuleId">The rule, e.g. <c>WC-RSA-01</c>.</param>
/// <param name="Severity">The verdict.</param>
/// <param name="Observed">What was seen, e.g. "1024 bits".</param>
/// <param name="Threshold">What the rule asks for, e.g. "&gt;= 2048 bits"; null when the rule has no threshold.</param>
/// <param name="Message">One line for people.</param>
public sealed record Finding(string RuleId, FindingSeverity Severity, string Observed, string? Threshold, string Message)
{
    /// <summary>
    /// Whether a refusal for this finding is about an algorithm (SCEP failInfo badAlg: signature digest, envelope
    /// cipher, key type or curve) rather than the key itself (badRequest).
    /// </summary>
    public bool IsAlgorithm => RuleId.StartsWith("WC-SIG-", StringComparison.Ordinal)
        || RuleId.StartsWith("WC-CMS-", StringComparison.Ordinal)
        || RuleId.StartsWith("WC-EC-", StringComparison.Ordinal)
        || RuleId.StartsWith("WC-DSA-", StringComparison.Ordinal);

    /// <summary>"WC-RSA-01 FAIL: RSA key 1024 bits &lt; 2048", as the approval queue and the logs show it.</summary>
    public override string ToString() => $"{RuleId} {Severity.ToString().ToUpperInvariant()}: {Message}";
}
