namespace CertBroker.Core.Names;

/// <summary>One attribute of a subject, as decoded text.</summary>
public sealed record SubjectAttribute(SubjectAttributeType Type, string Value)
{
    /// <summary>As RFC 4514 writes it, so a value holding ", OU=…" cannot pass for another attribute.</summary>
    public override string ToString() => $"{Type.Name}={Escape(Value)}";

    private static string Escape(string value)
    {
        var text = new System.Text.StringBuilder(value.Length + 4);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool special = c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '='
                || (i == 0 && (c is '#' or ' ')) || (i == value.Length - 1 && c == ' ');
            text.Append(special ? "\\" + c : c.ToString());
        }

        return text.ToString();
    }
}
