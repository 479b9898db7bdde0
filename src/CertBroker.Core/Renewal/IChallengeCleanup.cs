namespace CertBroker.Core.Renewal;

/// <summary>Deletes one-time challenges nobody can use any more, so the table does not grow without end.</summary>
public interface IChallengeCleanup
{
    /// <summary>Deletes up to <paramref name="batchSize"/> challenges used or expired before <paramref name="before"/>.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> DeleteSpentAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);
}
