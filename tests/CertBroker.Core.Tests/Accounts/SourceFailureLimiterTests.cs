using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class SourceFailureLimiterTests
{
    private const string Sprayer = "203.0.113.66";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public void RetryAfter_DefaultLimitReached_RefusesUntilTheOldestFailureLeavesTheWindow()
    {
        SourceFailureLimiter limiter = Limiter();
        for (int i = 0; i < 19; i++)
        {
            limiter.RecordFailure(Sprayer);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Null(limiter.RetryAfter(Sprayer));
        limiter.RecordFailure(Sprayer);

        // The first failure was 190 s ago; it leaves the 15-minute window in 710 s.
        Assert.Equal(TimeSpan.FromSeconds(710), limiter.RetryAfter(Sprayer));
        _clock.Advance(TimeSpan.FromSeconds(710));
        Assert.Null(limiter.RetryAfter(Sprayer));
    }

    [Fact]
    public void RetryAfter_AnotherSourceOverTheLimit_LeavesThisOneAlone()
    {
        SourceFailureLimiter limiter = Limiter(new SignInLimitOptions { SourceFailureLimit = 3 });
        for (int i = 0; i < 3; i++)
        {
            limiter.RecordFailure(Sprayer);
        }

        Assert.NotNull(limiter.RetryAfter(Sprayer));
        Assert.Null(limiter.RetryAfter("192.0.2.10"));
    }

    [Fact]
    public void RetryAfter_AddressesInOneIpv6Slash64_CountTogether()
    {
        SourceFailureLimiter limiter = Limiter(new SignInLimitOptions { SourceFailureLimit = 3 });

        limiter.RecordFailure("2001:db8:0:1::a");
        limiter.RecordFailure("2001:db8:0:1::b");
        limiter.RecordFailure("2001:db8:0:1::c");

        Assert.NotNull(limiter.RetryAfter("2001:db8:0:1::d"));
        Assert.Null(limiter.RetryAfter("2001:db8:0:2::a"));
    }

    private SourceFailureLimiter Limiter(SignInLimitOptions? options = null) => new(Options.Create(options ?? new SignInLimitOptions()), _clock);
}
