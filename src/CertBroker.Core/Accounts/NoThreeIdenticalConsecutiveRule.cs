using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A password never has the same character three times in a row ("aaa", "111").</summary>
public sealed class NoThreeIdenticalConsecutiveRule : IPasswordRule
{
    public const string Name = "NoThreeIdenticalConsecutive";

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        Rune previous = default;
        int run = 0;
        foreach (Rune rune in candidate.EnumerateRunes())
        {
            run = run > 0 && rune == previous ? run + 1 : 1;
            if (run == 3)
            {
                // The message does not say which character: violations may end up in logs.
                return new PasswordViolation(Name, "The password must not contain the same character three times in a row.");
            }

            previous = rune;
        }

        return null;
    }
}
