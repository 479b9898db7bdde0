using CertBroker.Core.Challenges;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// Counts refused PKIOperations per source (an IPv4 address or an IPv6 /64) in a sliding window (see
/// <see cref="ScepRateLimitOptions"/>). In memory because it only has to hold back a loop at this process.
/// </summary>
internal sealed class ScepFailureLimiter(IOptions<ScepRateLimitOptions> options, TimeProvider time)
{
    private readonly FailureWindow _failures = new(time);

    private TimeSpan Period => TimeSpan.FromMinutes(options.Value.PeriodMinutes);

    /// <summary>Whether <paramref name="source"/> is at its limit now, and how long until its oldest failure ages out.</summary>
    public bool IsLimited(string? source, out TimeSpan retryAfter)
    {
        retryAfter = source is null ? TimeSpan.Zero : _failures.RetryAfter(SourceNetwork.Of(source), options.Value.MaxFailures, Period) ?? TimeSpan.Zero;
        return retryAfter > TimeSpan.Zero;
    }

    public void RecordFailure(string? source)
    {
        if (source is not null)
        {
            _failures.Record(SourceNetwork.Of(source), options.Value.MaxFailures, Period);
        }
    }
}
