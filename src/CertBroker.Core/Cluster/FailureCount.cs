namespace CertBroker.Core.Cluster;

/// <summary>
/// One key's failures: how many since <see cref="WindowStart"/>, the latest, and the end of its lockout. A window
/// starts at the first failure after the previous one ended, and ends <see cref="FailureRule.Window"/> later, when the
/// count starts again from zero. Every store applies <see cref="Next"/>, so the rule is the same on every database.
/// </summary>
public sealed record FailureCount(int Count, DateTimeOffset WindowStart, DateTimeOffset LastFailure, DateTimeOffset LockedUntil)
{
    /// <summary>A key that has never failed.</summary>
    public static readonly FailureCount None = new(0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    /// <summary>The failures counted at <paramref name="now"/>: none once the window has ended.</summary>
    public int CountAt(DateTimeOffset now, TimeSpan window) => WindowStart > now - window ? Count : 0;

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil > now;

    /// <summary>When the row stops mattering: its latest failure has left the window and its lockout has ended.</summary>
    public DateTimeOffset ExpiresAt(TimeSpan window) => LastFailure + window > LockedUntil ? LastFailure + window : LockedUntil;

    /// <summary>
    /// The count after one more failure at <paramref name="now"/>. A failure while locked out is not counted, so it
    /// cannot stretch the lockout; the failure that reaches the threshold imposes the lockout and restarts the count,
    /// so that afterwards the key has the full threshold of attempts again.
    /// </summary>
    public FailureRecorded Next(FailureRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (IsLockedAt(now))
        {
            return new FailureRecorded(this, LockedNow: false);
        }

        bool sameWindow = CountAt(now, rule.Window) > 0;
        DateTimeOffset start = sameWindow ? WindowStart : now;
        int count = (sameWindow ? Count : 0) + 1;
        if (rule.Threshold > 0 && count >= rule.Threshold)
        {
            DateTimeOffset until = rule.LockFor is { } lockFor ? now + lockFor : start + rule.Window;
            return new FailureRecorded(new FailureCount(0, start, now, until), LockedNow: true);
        }

        return new FailureRecorded(new FailureCount(count, start, now, LockedUntil), LockedNow: false);
    }
}

