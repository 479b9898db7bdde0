namespace CertBroker.Server.Jobs;

/// <summary>The clean-up jobs' loop: delete a batch, and another, until a batch comes back short.</summary>
internal static class BatchedDeletion
{
    /// <returns>How many were deleted in all.</returns>
    public static async Task<int> DeleteAllAsync(Func<int, CancellationToken, Task<int>> deleteBatch, int batchSize, CancellationToken cancellationToken)
    {
        int total = 0;
        int deleted;
        do
        {
            deleted = await deleteBatch(batchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == batchSize);

        return total;
    }
}
