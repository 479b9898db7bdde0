using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A password contains at least one digit.</summary>
public sealed class RequiresDigitRule : IPasswordRule
{
    public const string Name = "RequiresDigit";

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (Rune rune in candidate.EnumerateRunes())
        {
            if (Rune.IsDigit(rune))
            {
                return null;
            }
        }

        return new PasswordViolation(Name, "The password must contain at least one digit (0-9).");
    }
}
