using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A password contains at least one lower-case letter.</summary>
public sealed class RequiresLowerCaseRule : IPasswordRule
{
    public const string Name = "RequiresLowerCase";

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (Rune rune in candidate.EnumerateRunes())
        {
            if (Rune.IsLower(rune))
            {
                return null;
            }
        }

        return new PasswordViolation(Name, "The password must contain at least one lower-case letter, such as a to z.");
    }
}
