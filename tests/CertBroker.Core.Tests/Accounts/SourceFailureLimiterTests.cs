using CertBroker.Core.Cluster;
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
    public async Task RetryAfter_DefaultLimitReached_RefusesUntilTheOldestFailureLeavesTheWindow()
    {
        SourceFailureLimiter limiter = Limiter();
        for (int i = 0; i < 19; i++)
        {
            await limiter.RecordFailureAsync(Sprayer, CancellationToken.None);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Null(await limiter.RetryAfterAsync(Sprayer, CancellationToken.None));
        await limiter.RecordFailureAsync(Sprayer, CancellationToken.None);

        // The first failure was 190 s ago; it leaves the 15-minute window in 710 s.
        Assert.Equal(TimeSpan.FromSeconds(710), await limiter.RetryAfterAsync(Sprayer, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(710));
        Assert.Null(await limiter.RetryAfterAsync(Sprayer, CancellationToken.None));
    }

    [Fact]
    public async Task RetryAfter_AnotherSourceOverTheLimit_LeavesThisOneAlone()
    {
        SourceFailureLimiter limiter = Limiter(new SignInLimitOptions { SourceFailureLimit = 3 });
        for (int i = 0; i < 3; i++)
        {
            await limiter.RecordFailureAsync(Sprayer, CancellationToken.None);
        }

        Assert.NotNull(await limiter.RetryAfterAsync(Sprayer, CancellationToken.None));
        Assert.Null(await limiter.RetryAfterAsync("192.0.2.10", CancellationToken.None));
    }

    [Fact]
    public async Task RetryAfter_AddressesInOneIpv6Slash64_CountTogether()
    {
        SourceFailureLimiter limiter = Limiter(new SignInLimitOptions { SourceFailureLimit = 3 });

        await limiter.RecordFailureAsync("2001:db8:0:1::a", CancellationToken.None);
        await limiter.RecordFailureAsync("2001:db8:0:1::b", CancellationToken.None);
        await limiter.RecordFailureAsync("2001:db8:0:1::c", CancellationToken.None);

        Assert.NotNull(await limiter.RetryAfterAsync("2001:db8:0:1::d", CancellationToken.None));
        Assert.Null(await limiter.RetryAfterAsync("2001:db8:0:2::a", CancellationToken.None));
    }

    private SourceFailureLimiter Limiter(SignInLimitOptions? options = null) => new(new MemoryFailureStore(), Options.Create(options ?? new SignInLimitOptions()), _clock);
}
