using CertBroker.Core.Model;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// The decision on whether a request may be issued, and on what grounds. <paramref name="Renewal"/> says it was
/// authorised by a still-valid certificate this CA issued, which a Manual profile may let skip the queue.
/// </summary>
/// <param name="Challenge">The one-time password that allowed it, to be marked used with the decision.</param>
/// <param name="RenewalOf">The serial of the certificate being renewed: superseded when the new one is issued, and
/// where a refused renewal is recorded.</param>
/// <param name="Unrecorded">A refusal that stores nothing: a locked-out source's requests cost no storage.</param>
public readonly record struct Authorization(
    bool Allowed, string Reason, bool Renewal = false, ChallengeRedemption? Challenge = null, string? RenewalOf = null, bool Unrecorded = false)
{
    public static Authorization RefuseUnrecorded(string reason) => new(false, reason, Unrecorded: true);

    public static Authorization Allow(string reason, ChallengeRedemption? challenge = null) => new(true, reason, Challenge: challenge);

    public static Authorization AllowRenewal(string reason, string serial) => new(true, reason, Renewal: true, RenewalOf: serial);

    public static Authorization RefuseRenewal(string reason, string serial) => new(false, reason, RenewalOf: serial);

    public static Authorization Refuse(string reason) => new(false, reason);
}
