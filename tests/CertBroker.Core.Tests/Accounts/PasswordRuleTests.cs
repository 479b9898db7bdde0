using CertBroker.Core.Accounts;

namespace CertBroker.Core.Tests.Accounts;

public sealed class PasswordRuleTests
{
    [Theory]
    [InlineData("abcdefghijkl")]
    [InlineData("abcdefghijklmnop")]
    public void MinimumLength_LongEnough_Passes(string candidate)
    {
        Assert.Null(new MinimumLengthRule(12).Check(candidate));
    }

    [Fact]
    public void MinimumLength_TooShort_SaysHowLongItMustBeAndIs()
    {
        PasswordViolation? violation = new MinimumLengthRule(12).Check("Short1!");

        Assert.NotNull(violation);
        Assert.Equal(MinimumLengthRule.Name, violation.Rule);
        Assert.Equal("The password must be at least 12 characters long; it has 7.", violation.Message);
    }

    [Fact]
    public void MinimumLength_CharactersOutsideBasicPlane_CountOnceEach()
    {
        // Four emoji are eight UTF-16 units but four characters to the person typing them.
        Assert.NotNull(new MinimumLengthRule(5).Check("😀😀😀😀"));
        Assert.Null(new MinimumLengthRule(4).Check("😀😀😀😀"));
    }

    [Theory]
    [InlineData("password1!", false)]
    [InlineData("passworD1!", true)]
    [InlineData("straße1!Ä", true)]
    public void RequiresUpperCase_Candidate_PassesOnlyWithUpperCaseLetter(string candidate, bool passes)
    {
        Assert.Equal(passes, new RequiresUpperCaseRule().Check(candidate) is null);
    }

    [Theory]
    [InlineData("PASSWORD1!", false)]
    [InlineData("PASSWORd1!", true)]
    public void RequiresLowerCase_Candidate_PassesOnlyWithLowerCaseLetter(string candidate, bool passes)
    {
        Assert.Equal(passes, new RequiresLowerCaseRule().Check(candidate) is null);
    }

    [Theory]
    [InlineData("Password!", false)]
    [InlineData("Passw0rd!", true)]
    public void RequiresDigit_Candidate_PassesOnlyWithDigit(string candidate, bool passes)
    {
        Assert.Equal(passes, new RequiresDigitRule().Check(candidate) is null);
    }

    [Theory]
    [InlineData("Password1", false)]
    [InlineData("Pass word1", false)]
    [InlineData("Password1!", true)]
    [InlineData("Password1_", true)]
    [InlineData("Password1€", true)]
    public void RequiresSymbol_Candidate_PassesOnlyWithSymbol(string candidate, bool passes)
    {
        Assert.Equal(passes, new RequiresSymbolRule().Check(candidate) is null);
    }

    [Theory]
    [InlineData("Passsword1!")]
    [InlineData("Password111!")]
    [InlineData("Password1!!!")]
    [InlineData("aaaPassword1!")]
    public void NoThreeIdenticalConsecutive_ThreeInARow_IsViolated(string candidate)
    {
        PasswordViolation? violation = new NoThreeIdenticalConsecutiveRule().Check(candidate);

        Assert.NotNull(violation);
        Assert.Equal("The password must not contain the same character three times in a row.", violation.Message);
    }

    [Theory]
    [InlineData("Password11!")]
    [InlineData("aabbaabb")]
    [InlineData("aAa")]
    [InlineData("")]
    public void NoThreeIdenticalConsecutive_AtMostTwoInARow_Passes(string candidate)
    {
        Assert.Null(new NoThreeIdenticalConsecutiveRule().Check(candidate));
    }
}
