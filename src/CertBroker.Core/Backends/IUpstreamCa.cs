using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>
/// An upstream SCEP CA (NDES or any RFC 8894 server) that a profile with <c>Backend=Ndes</c> obtains its
/// certificates from, the broker acting as registration authority. One instance per profile.
/// </summary>
public interface IUpstreamCa
{
    /// <summary>The profile this upstream serves.</summary>
    string ProfileName { get; }

    /// <summary>
    /// The broker's RA identity and the upstream CA chain, or null while they are not known yet (the upstream was
    /// unreachable at start-up, or the broker's RA certificate is still pending there).
    /// </summary>
    BackendIdentity? Identity { get; }

    /// <summary>
    /// Sends the device's CSR to the upstream in a PKCSReq, or polls for it with CertPoll when
    /// <paramref name="poll"/> is set. Never throws for an upstream that cannot be reached: that is
    /// <see cref="UpstreamStatus.Unreachable"/>.
    /// </summary>
    Task<UpstreamReply> SendAsync(UpstreamSubmission submission, bool poll, CancellationToken cancellationToken);

    /// <summary>Asks for the identity to be fetched again soon: a device wanted the profile while it was not ready.</summary>
    void RequestRefresh();

    /// <summary>Fetches a fresh one-time password from the upstream's admin page.</summary>
    /// <exception cref="UpstreamChallengeException">The page could not be fetched or carried no password.</exception>
    Task<string> FetchChallengeAsync(CancellationToken cancellationToken);
}
