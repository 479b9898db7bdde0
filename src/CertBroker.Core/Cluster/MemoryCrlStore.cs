namespace CertBroker.Core.Cluster;

/// <summary>CRL numbers and CRLs in this process only, for tests and tools without a database.</summary>
public sealed class MemoryCrlStore : ICrlStore
{
    private readonly Dictionary<string, long> _numbers = new(StringComparer.Ordinal);
    private readonly List<PublishedCrl> _crls = [];

    public Task<long> ReserveNumberAsync(string issuer, long floor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        lock (_numbers)
        {
            long next = Math.Max(_numbers.GetValueOrDefault(issuer), floor) + 1;
            _numbers[issuer] = next;
            return Task.FromResult(next);
        }
    }

    public Task SaveAsync(PublishedCrl crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        lock (_numbers)
        {
            _crls.Add(crl);
            foreach (PublishedCrl old in _crls.Where(c => c.Issuer == crl.Issuer).OrderByDescending(c => c.Number).Skip(PublishedCrl.Kept).ToList())
            {
                _crls.Remove(old);
            }
        }

        return Task.CompletedTask;
    }

    public Task<long?> NewestNumberAsync(string issuer, CancellationToken cancellationToken)
    {
        lock (_numbers)
        {
            return Task.FromResult(_crls.Where(c => c.Issuer == issuer).Select(c => (long?)c.Number).Max());
        }
    }

    public Task<PublishedCrl?> NewestAsync(string issuer, CancellationToken cancellationToken)
    {
        lock (_numbers)
        {
            return Task.FromResult(_crls.Where(c => c.Issuer == issuer).MaxBy(c => c.Number));
        }
    }
}
