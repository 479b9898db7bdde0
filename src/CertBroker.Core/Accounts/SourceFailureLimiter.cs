using CertBroker.Core.Challenges;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Counts failed password sign-ins per source, whatever the names tried (see
/// <see cref="SignInLimitOptions.SourceFailureLimit"/>): a source spraying many names, or hammering a name it is
/// locked out of, is refused before any key derivation once it reaches the limit. A success does not clear the count:
/// failures are what cost, and a caller with one valid account must not buy more guesses at others with it.
/// </summary>
public sealed class SourceFailureLimiter(IOptions<SignInLimitOptions> options, TimeProvider time)
{
    private readonly FailureWindow _failures = new(time);

    private TimeSpan Window => TimeSpan.FromMinutes(options.Value.SourceFailureWindowMinutes);

    /// <summary>How long <paramref name="source"/> must wait before its next password check, or null when it may go ahead.</summary>
    public TimeSpan? RetryAfter(string? source) => _failures.RetryAfter(Key(source), options.Value.SourceFailureLimit, Window);

    public void RecordFailure(string? source) => _failures.Record(Key(source), options.Value.SourceFailureLimit, Window);

    // Callers whose address is unknown (a Unix socket) count together.
    private static string Key(string? source) => source is null ? "" : SourceNetwork.Of(source);
}
