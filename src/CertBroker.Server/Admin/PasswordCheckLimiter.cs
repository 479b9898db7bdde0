namespace CertBroker.Server.Admin;

/// <summary>
/// Bounds how many password checks (one slow key derivation each) run at once. Basic authentication derives a key on
/// every request, including for unknown user names, so a burst of admin calls or a guessing attack could otherwise
/// take every processor from enrolments; past the limit, checks wait their turn.
/// </summary>
internal sealed class PasswordCheckLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>Half the processors, at least one: the other half stays for SCEP.</summary>
    public PasswordCheckLimiter()
        : this(Math.Max(1, Environment.ProcessorCount / 2))
    {
    }

    public PasswordCheckLimiter(int concurrentChecks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentChecks, 1);
        _slots = new SemaphoreSlim(concurrentChecks, concurrentChecks);
    }

    public async Task<T> RunAsync<T>(Func<Task<T>> check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await check().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
