using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A password contains at least one upper-case letter.</summary>
public sealed class RequiresUpperCaseRule : IPasswordRule
{
    public const string Name = "RequiresUpperCase";

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (Rune rune in candidate.EnumerateRunes())
        {
            if (Rune.IsUpper(rune))
            {
                return null;
            }
        }

        return new PasswordViolation(Name, "The password must contain at least one upper-case letter, such as A to Z.");
    }
}
