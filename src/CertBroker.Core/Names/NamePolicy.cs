using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Names;

/// <summary>
/// A profile's name policy: every subject attribute and subjectAltName entry of a request goes through the rules in
/// order; what passes is what the certificate will name. A refused name refuses the request, or with
/// <see cref="NameViolationAction.Drop"/> is left out; a request left with no name at all is refused either way.
/// </summary>
public sealed class NamePolicy
{
    private readonly IReadOnlyList<INameRule> _rules;

    public NamePolicy(NamePolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _rules =
        [
            new TypeRule(settings), new CharacterRule(), new LengthRule(), new DnsNameRule(settings), new IpAddressRule(settings),
            new MailboxRule(settings), new UriRule(settings), new PatternRule(settings),
        ];
    }

    public NamePolicySettings Settings { get; }

    /// <summary>The decision on a CSR's subject and requested extensions; names that do not parse refuse it.</summary>
    public NameDecision Decide(X500DistinguishedName subject, IReadOnlyList<X509Extension> requestedExtensions)
    {
        try
        {
            return Evaluate(CertificateNames.FromRequest(subject, requestedExtensions));
        }
        catch (NameFormatException ex)
        {
            return new NameDecision(CertificateNames.Empty, null, [new NameFinding("NAME-FORMAT", "(request)", ex.Message, Dropped: false)]);
        }
    }

    public NameDecision Evaluate(CertificateNames requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        bool drop = Settings.Options.OnViolation == NameViolationAction.Drop;
        var findings = new List<NameFinding>();

        // With a fixed subject only the CN and serialNumber come from the request; the rest is not asked for but built.
        IEnumerable<SubjectAttribute> asked = Settings.FixedSubject is null
            ? requested.Subject
            : requested.Subject.Where(a => a.Type == SubjectAttributeType.CommonName || a.Type == SubjectAttributeType.SerialNumber);
        var subject = new List<SubjectAttribute>();
        foreach (SubjectAttribute attribute in asked)
        {
            var candidate = new NameCandidate(attribute, null);
            (string Rule, string Message)? problem = Check(candidate);
            if (problem is null && IsSingleValued(attribute.Type) && subject.Any(a => a.Type == attribute.Type))
            {
                problem = ("NAME-DUPLICATE", $"the subject names more than one {attribute.Type.Name}");
            }

            if (problem is { } refused)
            {
                findings.Add(new NameFinding(refused.Rule, Printable.Of(candidate.ToString()), refused.Message, drop));
                continue;
            }

            subject.Add(attribute);
        }

        if (Settings.FixedSubject is { } fixedAttributes)
        {
            subject = [.. fixedAttributes, .. subject.OrderBy(a => a.Type == SubjectAttributeType.CommonName ? 1 : 0)];
        }

        var alternatives = new List<AlternativeName>();
        foreach (AlternativeName name in requested.AlternativeNames)
        {
            var candidate = new NameCandidate(null, name);
            (string Rule, string Message)? problem = Check(candidate);
            if (problem is null && alternatives.Any(name.SameAs))
            {
                // Asked for twice: issued once.
                continue;
            }

            if (problem is null && alternatives.Count >= Settings.Options.MaxSubjectAltNames)
            {
                problem = ("NAME-COUNT", $"more than {Settings.Options.MaxSubjectAltNames} subjectAltName entries");
            }

            if (problem is { } refused)
            {
                findings.Add(new NameFinding(refused.Rule, Printable.Of(candidate.ToString()), refused.Message, drop));
                continue;
            }

            alternatives.Add(name);
        }

        if (subject.All(a => Settings.FixedSubject?.Contains(a) == true) && alternatives.Count == 0 && findings.All(f => f.Dropped))
        {
            findings.Add(new NameFinding("NAME-EMPTY", "(none)", "nothing is left to name the device: no CN, serialNumber or subjectAltName passes the policy", Dropped: false));
        }

        bool refusedRequest = findings.Any(f => !f.Dropped);
        return new NameDecision(requested, refusedRequest ? null : new CertificateNames(subject, alternatives), findings);
    }

    private static bool IsSingleValued(SubjectAttributeType type) =>
        type == SubjectAttributeType.CommonName || type == SubjectAttributeType.SerialNumber || type == SubjectAttributeType.Country;

    private (string Rule, string Message)? Check(NameCandidate candidate)
    {
        foreach (INameRule rule in _rules)
        {
            if (rule.Check(candidate) is { } problem)
            {
                return (rule.Id, problem);
            }
        }

        return null;
    }
}
