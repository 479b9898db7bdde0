using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class PasswordPolicyTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Evaluate_CompliantPassword_HasNoViolations()
    {
        Assert.Empty(Policy().Evaluate("Correct-Horse-7"));
    }

    [Fact]
    public void Evaluate_PasswordBreakingEveryRule_ReportsEveryRuleAtOnce()
    {
        IReadOnlyList<PasswordViolation> violations = Policy().Evaluate("     ");

        Assert.Equal(
            [MinimumLengthRule.Name, RequiresUpperCaseRule.Name, RequiresLowerCaseRule.Name, RequiresDigitRule.Name,
             RequiresSymbolRule.Name, NoThreeIdenticalConsecutiveRule.Name],
            violations.Select(v => v.Rule));
    }

    [Fact]
    public void Evaluate_DefaultPolicy_RequiresTwelveCharacters()
    {
        PasswordViolation violation = Assert.Single(Policy().Evaluate("Short-Pw-7a"));

        Assert.Equal("The password must be at least 12 characters long; it has 11.", violation.Message);
    }

    [Fact]
    public void Evaluate_CharacterClassesSwitchedOff_AcceptsLongLowerCasePassword()
    {
        var options = new PasswordPolicyOptions
        {
            MinimumLength = 8, RequireUpperCase = false, RequireDigit = false, RequireSymbol = false,
        };

        Assert.Empty(Policy(options).Evaluate("lowercaseonly"));
    }

    [Fact]
    public void Evaluate_CharacterClassesSwitchedOff_StillRefusesThreeIdenticalInARow()
    {
        var options = new PasswordPolicyOptions
        {
            MinimumLength = 1, RequireUpperCase = false, RequireLowerCase = false, RequireDigit = false, RequireSymbol = false,
        };

        PasswordViolation violation = Assert.Single(Policy(options).Evaluate("zzz"));
        Assert.Equal(NoThreeIdenticalConsecutiveRule.Name, violation.Rule);
    }

    [Fact]
    public void IsExpired_NoValidityPeriod_NeverExpires()
    {
        var clock = new FakeTimeProvider(Start);
        PasswordPolicy policy = Policy(new PasswordPolicyOptions(), clock);
        clock.Advance(TimeSpan.FromDays(3650));

        Assert.False(policy.IsExpired(Start));
        Assert.Null(policy.ExpiresAt(Start));
    }

    [Fact]
    public void IsExpired_ValidityPeriod_ExpiresExactlyWhenPeriodEnds()
    {
        var clock = new FakeTimeProvider(Start);
        PasswordPolicy policy = Policy(new PasswordPolicyOptions { ValidityDays = 90 }, clock);

        clock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        Assert.False(policy.IsExpired(Start));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(policy.IsExpired(Start));
        Assert.Equal(Start.AddDays(90), policy.ExpiresAt(Start));
    }

    private static PasswordPolicy Policy(PasswordPolicyOptions? options = null, TimeProvider? clock = null) =>
        new(Options.Create(options ?? new PasswordPolicyOptions()), clock ?? new FakeTimeProvider(Start));
}
