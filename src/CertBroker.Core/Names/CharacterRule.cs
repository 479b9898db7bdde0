using System.Text;

namespace CertBroker.Core.Names;

/// <summary>
/// NAME-CHARS: no control, format, private-use or unassigned characters, no empty or padded values, and values of
/// PrintableString and IA5String attributes within those character sets.
/// </summary>
public sealed class CharacterRule : INameRule
{
    public string Id => "NAME-CHARS";

    public string? Check(NameCandidate candidate)
    {
        if (candidate.Alternative is { Type: GeneralNameType.DirectoryName } directory)
        {
            return directory.Directory.Select(a => Problem(a.Type, a.Value)).FirstOrDefault(p => p is not null);
        }

        return candidate.Attribute is { } attribute ? Problem(attribute.Type, attribute.Value) : Problem(candidate.Value);
    }

    public static string? Problem(SubjectAttributeType type, string value) =>
        Problem(value) ?? type.Encoding switch
        {
            AttributeEncoding.Printable when !NameCharacters.IsPrintableString(value) => $"{type.Name} allows PrintableString characters only",
            AttributeEncoding.Ia5 when !Ascii.IsValid(value) => $"{type.Name} allows ASCII characters only",
            _ => null,
        };

    public static string? Problem(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "the value is empty";
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return "the value starts or ends with white space";
        }

        foreach (Rune rune in value.EnumerateRunes())
        {
            if (NameCharacters.IsForbidden(rune))
            {
                return $"the value contains the character U+{rune.Value:X4}";
            }
        }

        // A lone surrogate does not enumerate as a rune of its own; it comes back as U+FFFD.
        return value.Contains('\uFFFD') ? "the value contains an unreadable character" : null;
    }
}
