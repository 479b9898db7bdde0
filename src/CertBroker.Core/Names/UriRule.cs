namespace CertBroker.Core.Names;

/// <summary>NAME-URI: an absolute URI without spaces, starting with one of the profile's prefixes when it has any.</summary>
public sealed class UriRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-URI";

    public string? Check(NameCandidate candidate)
    {
        if (candidate.Alternative is not { Type: GeneralNameType.Uri } name)
        {
            return null;
        }

        string value = name.Value;
        if (value.Any(char.IsWhiteSpace) || !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            return "not an absolute URI";
        }

        List<string> prefixes = settings.Options.UriPrefixes;
        return prefixes.Count == 0 || prefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal))
            ? null
            : $"does not start with an allowed prefix ({string.Join(", ", prefixes)})";
    }
}
