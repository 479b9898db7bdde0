namespace CertBroker.Core.Names;

/// <summary>
/// NAME-MAILBOX: an rfc822Name, emailAddress, UPN or Kerberos principal is one local part, one '@' and a valid domain;
/// a mailbox's domain is one of the profile's e-mail domains (or under one), a UPN's suffix one of its UPN suffixes
/// and a principal's realm one of its Kerberos realms, exactly.
/// </summary>
public sealed class MailboxRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-MAILBOX";

    public string? Check(NameCandidate candidate)
    {
        bool principal = candidate.Alternative?.Type == GeneralNameType.KerberosPrincipal;
        bool upn = principal || candidate.Alternative?.Type == GeneralNameType.Upn;
        bool mailbox = candidate.Alternative?.Type == GeneralNameType.Rfc822Name || candidate.Attribute?.Type == SubjectAttributeType.EmailAddress;
        if (!upn && !mailbox)
        {
            return null;
        }

        string value = candidate.Value;
        int at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || (at > 64 && !principal) || value.Any(char.IsWhiteSpace))
        {
            return upn ? "a UPN is one name, one '@' and a suffix" : "a mailbox is one local part of up to 64 characters, one '@' and a domain";
        }

        if (!System.Text.Ascii.IsValid(value.AsSpan(at + 1)))
        {
            // Checked before lower-casing: the Kelvin sign lower-cases to an ASCII 'k'.
            return "the domain is not ASCII (international domains are written as IDNA A-labels)";
        }

        string domain = value[(at + 1)..].ToLowerInvariant();
        if (DnsNameRule.Problem(domain, allowWildcard: false) is { } problem)
        {
            return $"the domain is not valid: {problem}";
        }

        if (principal)
        {
            return settings.KerberosRealms.Contains(domain) ? null : $"the realm is not one of {string.Join(", ", settings.KerberosRealms)}";
        }

        if (upn)
        {
            return settings.UpnSuffixes.Contains(domain) ? null : $"the UPN suffix is not one of {string.Join(", ", settings.UpnSuffixes)}";
        }

        return DnsNameRule.SuffixProblem(domain, settings.EmailDomains);
    }
}
