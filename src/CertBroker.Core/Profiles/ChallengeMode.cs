namespace CertBroker.Core.Profiles;

/// <summary>How a profile authorises a first enrolment (renewals are authorised by the current certificate).</summary>
public enum ChallengeMode
{
    /// <summary>A static password from <see cref="ProfileOptions.ChallengePassword"/>; with none configured, every request is refused.</summary>
    Static,

    /// <summary>
    /// No challenge: anyone who can reach the endpoint may ask. Must be chosen explicitly, and only together with
    /// <see cref="ApprovalMode.Manual"/>, so an admin still decides every first enrolment.
    /// </summary>
    None,

    /// <summary>
    /// NDES-style one-time passwords handed out by the admin API or <c>/certsrv/mscep_admin/</c>: each works once,
    /// for this profile, until it expires, and only for the device it is bound to, if any.
    /// </summary>
    OneTime,
}
