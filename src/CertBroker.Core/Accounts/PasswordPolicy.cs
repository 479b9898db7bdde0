using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>The configured password rules and validity period, applied to new passwords and to passwords in use.</summary>
public sealed class PasswordPolicy
{
    private readonly PasswordPolicyOptions _options;
    private readonly TimeProvider _timeProvider;

    public PasswordPolicy(IOptions<PasswordPolicyOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        _timeProvider = timeProvider;

        var rules = new List<IPasswordRule> { new MinimumLengthRule(_options.MinimumLength) };
        if (_options.RequireUpperCase)
        {
            rules.Add(new RequiresUpperCaseRule());
        }

        if (_options.RequireLowerCase)
        {
            rules.Add(new RequiresLowerCaseRule());
        }

        if (_options.RequireDigit)
        {
            rules.Add(new RequiresDigitRule());
        }

        if (_options.RequireSymbol)
        {
            rules.Add(new RequiresSymbolRule());
        }

        rules.Add(new NoThreeIdenticalConsecutiveRule());
        Rules = rules;
    }

    /// <summary>The rules a new password must meet, in the order their violations are reported.</summary>
    public IReadOnlyList<IPasswordRule> Rules { get; }

    public int MinimumLength => _options.MinimumLength;

    /// <summary>Every rule <paramref name="candidate"/> breaks, so the admin can fix them all in one go; empty when it complies.</summary>
    public IReadOnlyList<PasswordViolation> Evaluate(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var violations = new List<PasswordViolation>();
        foreach (IPasswordRule rule in Rules)
        {
            if (rule.Check(candidate) is { } violation)
            {
                violations.Add(violation);
            }
        }

        return violations;
    }

    /// <summary>When a password set at <paramref name="passwordSetAt"/> expires; null when passwords do not expire.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset passwordSetAt) =>
        _options.ValidityDays is int days ? passwordSetAt.AddDays(days) : null;

    /// <summary>Whether a password set at <paramref name="passwordSetAt"/> has expired by now.</summary>
    public bool IsExpired(DateTimeOffset passwordSetAt) =>
        ExpiresAt(passwordSetAt) is { } expiresAt && _timeProvider.GetUtcNow() >= expiresAt;
}
