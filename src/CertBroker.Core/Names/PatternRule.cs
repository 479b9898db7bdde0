using System.Text.RegularExpressions;

namespace CertBroker.Core.Names;

/// <summary>NAME-PATTERN: the value matches the profile's pattern for its type in full, when there is one.</summary>
public sealed class PatternRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-PATTERN";

    public string? Check(NameCandidate candidate)
    {
        if (!settings.Patterns.TryGetValue(candidate.TypeName, out Regex? pattern))
        {
            return null;
        }

        try
        {
            return pattern.IsMatch(candidate.Value) ? null : $"does not match the profile's {candidate.TypeName} pattern";
        }
        catch (RegexMatchTimeoutException)
        {
            return $"took too long to match the profile's {candidate.TypeName} pattern";
        }
    }
}
