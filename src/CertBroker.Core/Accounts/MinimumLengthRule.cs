namespace CertBroker.Core.Accounts;

/// <summary>A password has at least a given number of characters.</summary>
public sealed class MinimumLengthRule : IPasswordRule
{
    public const string Name = "MinimumLength";

    public MinimumLengthRule(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumLength, 1);
        MinimumLength = minimumLength;
    }

    public int MinimumLength { get; }

    public PasswordViolation? Check(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);

        // Characters as people count them: an emoji or other character outside the BMP is one, not two UTF-16 units.
        int length = candidate.EnumerateRunes().Count();
        return length >= MinimumLength
            ? null
            : new PasswordViolation(Name, $"The password must be at least {MinimumLength} characters long; it has {length}.");
    }
}
