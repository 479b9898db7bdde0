namespace CertBroker.Core.Backends;

/// <summary>A backend that hands out its own one-time passwords (an NDES admin page): the broker passes them on.</summary>
public interface IChallengeSource
{
    /// <exception cref="UpstreamChallengeException">No password could be obtained.</exception>
    Task<string> FetchChallengeAsync(CancellationToken cancellationToken);
}
