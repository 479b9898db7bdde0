namespace CertBroker.Core.Accounts;

/// <summary>
/// How much password checking anonymous callers can make the broker do (<c>CertBroker:Admin:SignInLimits</c>). Every
/// HTTP Basic request runs one slow key derivation; these bound how many run at once, how many wait, and how many
/// failures one source may cause before it is refused without a check.
/// </summary>
public sealed class SignInLimitOptions
{
    public const string SectionName = "CertBroker:Admin:SignInLimits";

    /// <summary>Password checks running at once, 0 to 64; 0 means half the processors, at least one. Default 0.</summary>
    public int ConcurrentPasswordChecks { get; set; }

    /// <summary>
    /// Password checks that may wait for a free slot, per processor, 0 to 100. Default 4. Past that a request is
    /// answered 429 at once. API tokens never wait here: their check is a hash lookup.
    /// </summary>
    public int QueuedPasswordChecksPerProcessor { get; set; } = 4;

    /// <summary>The <c>Retry-After</c> seconds of a 429 for a full queue, 1 to 60. Default 2.</summary>
    public int BusyRetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// Failed password sign-ins (any names) one source may have within <see cref="SourceFailureWindowMinutes"/>
    /// before its further Basic requests are answered 429 without a check, 1 to 1000. Default 20. An IPv6 source
    /// counts by its /64.
    /// </summary>
    public int SourceFailureLimit { get; set; } = 20;

    /// <summary>Minutes a source's failed sign-ins are remembered, 1 to 1440. Default 15.</summary>
    public int SourceFailureWindowMinutes { get; set; } = 15;

    /// <summary>The effective number of concurrent checks on <paramref name="processors"/> processors.</summary>
    public int ConcurrentChecks(int processors) => ConcurrentPasswordChecks > 0 ? ConcurrentPasswordChecks : Math.Max(1, processors / 2);

    /// <summary>The effective queue length on <paramref name="processors"/> processors.</summary>
    public int QueueLength(int processors) => QueuedPasswordChecksPerProcessor * Math.Max(1, processors);
}
