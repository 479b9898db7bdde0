namespace CertBroker.Server.Admin;

/// <summary>
/// What the profile's name policy makes of a queued request: the subject and subjectAltNames the certificate would
/// carry, and every name it refused or left out, with the rule.
/// </summary>
internal sealed record RequestNamesView(string? IssuedSubject, IReadOnlyList<string> IssuedSubjectAlternativeNames, IReadOnlyList<string> Findings);
