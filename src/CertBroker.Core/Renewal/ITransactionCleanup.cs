namespace CertBroker.Core.Renewal;

/// <summary>Removes failed transactions (refused, rejected, expired) once they are old enough not to matter.</summary>
public interface ITransactionCleanup
{
    /// <summary>Deletes up to <paramref name="batchSize"/> failed transactions last changed before <paramref name="before"/>.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> DeleteFailedAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);
}
