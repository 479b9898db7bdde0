namespace CertBroker.Core.Cluster;

/// <summary>Facts recorded once for the whole installation, such as the CA every node must sign with.</summary>
public interface IInstallationStore
{
    /// <summary>
    /// Records <paramref name="value"/> under <paramref name="key"/> unless a value is recorded already.
    /// </summary>
    /// <returns>The recorded value: <paramref name="value"/> on the first call, the earlier one after.</returns>
    Task<string> GetOrAddAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken);
}
