using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Issuing;

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
    UpstreamIdentity? Identity { get; }

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

/// <summary>The certificates devices see for an upstream profile, and the keys behind the RA ones.</summary>
/// <param name="Ra">The broker's RA: signs replies to devices and requests to the upstream, decrypts both directions.</param>
/// <param name="CaChain">The upstream's CA certificates, issuing CA first.</param>
public sealed record UpstreamIdentity(IRegistrationAuthority Ra, IReadOnlyList<X509Certificate2> CaChain);

/// <summary>What the broker asks the upstream for.</summary>
/// <param name="TransactionId">The upstream transactionID: the same on every retry and poll, so the upstream sees one transaction.</param>
/// <param name="CertificationRequest">The device's CSR, DER, unchanged.</param>
/// <param name="Subject">The CSR's subject, for CertPoll's IssuerAndSubject.</param>
public sealed record UpstreamSubmission(string TransactionId, byte[] CertificationRequest, X500DistinguishedName Subject);

/// <summary>How the upstream answered.</summary>
public enum UpstreamStatus
{
    Issued,
    Pending,
    Refused,
    Unreachable,
}

/// <summary>The upstream's answer to one message.</summary>
/// <param name="Certificate">The issued certificate, DER, when <see cref="UpstreamStatus.Issued"/>.</param>
/// <param name="FailInfo">The upstream's failInfo when <see cref="UpstreamStatus.Refused"/>.</param>
/// <param name="Detail">For logs, the audit trail and the admin's queue: why, or what was sent.</param>
/// <param name="Cipher">The content-encryption algorithm used towards the upstream, when a message was built.</param>
/// <param name="Digest">The digest used towards the upstream, when a message was built.</param>
public sealed record UpstreamReply(UpstreamStatus Status, byte[]? Certificate, FailInfo? FailInfo, string Detail, string? Cipher = null, string? Digest = null)
{
    public static UpstreamReply Unreachable(string detail) => new(UpstreamStatus.Unreachable, null, null, detail);
}

/// <summary>The upstream's admin page gave no one-time password.</summary>
public sealed class UpstreamChallengeException(string message, Exception? innerException = null) : Exception(message, innerException);
