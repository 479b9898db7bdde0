using System.Security.Cryptography;

namespace CertBroker.Core.Accounts;

/// <summary>Random passwords that satisfy the password policy, for the bootstrap Administrator.</summary>
public sealed class RandomPasswordGenerator
{
    /// <summary>Shortest password generated, whatever the policy's minimum: about 120 bits from the alphabet below.</summary>
    public const int MinimumGeneratedLength = 20;

    // Without look-alikes (I, l, O, 0, 1) and without characters shells or config files treat specially, because
    // the password is read from a log or file and typed by hand.
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#%+-.=?@_";
    private const string All = Upper + Lower + Digits + Symbols;

    // A draw of 20+ characters from 67 has three identical in a row rarely; a hundred failures in a row mean a bug.
    private const int MaxDraws = 100;

    private readonly PasswordPolicy _policy;

    public RandomPasswordGenerator(PasswordPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    public string Generate()
    {
        int length = Math.Max(MinimumGeneratedLength, _policy.MinimumLength);
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            // One of each class whether or not the policy asks for it, so any later tightening of the policy still passes.
            char[] password = new char[length];
            password[0] = RandomNumberGenerator.GetItems<char>(Upper, 1)[0];
            password[1] = RandomNumberGenerator.GetItems<char>(Lower, 1)[0];
            password[2] = RandomNumberGenerator.GetItems<char>(Digits, 1)[0];
            password[3] = RandomNumberGenerator.GetItems<char>(Symbols, 1)[0];
            RandomNumberGenerator.GetItems<char>(All, password.AsSpan(4));
            RandomNumberGenerator.Shuffle(password.AsSpan());

            var candidate = new string(password);
            if (_policy.Evaluate(candidate).Count == 0)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Could not generate a password that satisfies the password policy.");
    }
}
