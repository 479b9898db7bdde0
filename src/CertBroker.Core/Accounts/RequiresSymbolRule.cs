using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A password contains at least one symbol: a character that is neither a letter, a digit, a space nor a control character.</summary>
public sealed class RequiresSymbolRule : IPasswordRule
{
    public const string Name = "RequiresSymbol";

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (Rune rune in candidate.EnumerateRunes())
        {
            if (IsSymbol(rune))
            {
                return null;
            }
        }

        return new PasswordViolation(Name, "The password must contain at least one symbol, such as ! # % + - . = ? @ _");
    }

    internal static bool IsSymbol(Rune rune) =>
        !Rune.IsLetterOrDigit(rune) && !Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune);
}
