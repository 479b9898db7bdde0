using CertBroker.Scep;

namespace CertBroker.Core.Backends;

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
