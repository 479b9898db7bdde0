using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;

namespace CertBroker.Core.Profiles;

/// <summary>One enrolment profile (<c>CertBroker:Profiles:&lt;name&gt;</c>).</summary>
public sealed class ProfileOptions
{
    /// <summary>Where certificates come from. Default <see cref="ProfileBackend.Embedded"/>.</summary>
    public ProfileBackend Backend { get; set; } = ProfileBackend.Embedded;

    /// <summary>The upstream SCEP CA when <see cref="Backend"/> is <see cref="ProfileBackend.Ndes"/>.</summary>
    public NdesOptions Ndes { get; set; } = new();

    /// <summary>The static challenge password. Unset by default, which refuses requests unless <see cref="Challenge"/> is None.</summary>
    public string? ChallengePassword { get; set; }

    /// <summary>Challenge mode. Default <see cref="ChallengeMode.Static"/>.</summary>
    public ChallengeMode Challenge { get; set; } = ChallengeMode.Static;

    /// <summary>How long a one-time password stays usable, 1 to 10080 minutes (7 days). Default 60, as NDES.</summary>
    public int ChallengeLifetimeMinutes { get; set; } = 60;

    /// <summary>
    /// Most unused, unexpired one-time passwords the profile may have at once, 1 to 100000. Default 1000: NDES's
    /// cache of 5 stops an admin staging a batch of devices ("The password cache is full"); the cap is only a
    /// brake on a leaked admin credential minting passwords without end.
    /// </summary>
    public int MaxOutstandingChallenges { get; set; } = 1000;

    /// <summary>
    /// Which CSR value identifies the device in the inventory. Default <see cref="DeviceIdentitySource.Auto"/>: the
    /// subject's serialNumber, else a MAC address in the subject, else the CN, else the first SAN.
    /// </summary>
    public DeviceIdentitySource DeviceIdentity { get; set; } = DeviceIdentitySource.Auto;

    /// <summary>Approval mode. Default <see cref="ApprovalMode.Auto"/>.</summary>
    public ApprovalMode Approval { get; set; } = ApprovalMode.Auto;

    /// <summary>
    /// With <see cref="ApprovalMode.Manual"/>, whether the renewal of a still-valid certificate this CA issued is
    /// issued without waiting in the queue: the device was approved once already. Default true.
    /// </summary>
    public bool RenewalSkipsApproval { get; set; } = true;

    /// <summary>Days a pending request waits for a decision before it fails as expired. Default 7.</summary>
    public int PendingExpiryDays { get; set; } = 7;

    /// <summary>Validity of issued certificates in days. Default 365.</summary>
    public int ValidityDays { get; set; } = 365;

    /// <summary>keyUsage of issued certificates (names of <see cref="X509KeyUsageFlags"/>). Default DigitalSignature, KeyEncipherment.</summary>
    public List<X509KeyUsageFlags> KeyUsage { get; set; } = [];

    /// <summary>
    /// Extended key usages: OIDs or the names ClientAuth, ServerAuth, IpsecIke, EmailProtection, CodeSigning; the single
    /// value None issues no extendedKeyUsage extension. Default ClientAuth.
    /// </summary>
    public List<string> ExtendedKeyUsage { get; set; } = [];

    /// <summary>Whether a CertRep SUCCESS also carries the CA chain. Cisco needs it, Juniper refuses it. Default true.</summary>
    public bool IncludeCaCertificates { get; set; } = true;

    /// <summary>
    /// SHA-256 thumbprints (hex) of registration-authority certificates, such as another CertBroker's RA in front of
    /// this one (<c>Backend=Ndes</c> there), whose signed requests are authorised without a challenge, as an ADCS
    /// template that requires an enrollment agent's signature. The RA checked the device; this broker trusts that.
    /// Empty by default.
    /// </summary>
    public List<string> TrustedRaThumbprints { get; set; } = [];

    /// <summary>Whether renewal (RenewalReq, or PKCSReq signed with a current certificate) is allowed without a challenge. Default true.</summary>
    public bool AllowRenewal { get; set; } = true;

    /// <summary>Renewal only in the last N days of the current certificate's life. Unset by default (any time while valid).</summary>
    public int? RenewalWindowDays { get; set; }

    /// <summary>Renewal only in the last N percent of the current certificate's life. Unset by default.</summary>
    public int? RenewalWindowPercent { get; set; }

    /// <summary>
    /// When a certificate becomes due for renewal, as a percentage of its lifetime, 1 to 99. Default 80, as ADCS
    /// autoenrolment. Ignored when <see cref="RenewalDueDaysBeforeExpiry"/> is set. Due is a schedule (the sweep marks
    /// the certificate, alerts and webhooks follow); <see cref="RenewalWindowDays"/> and
    /// <see cref="RenewalWindowPercent"/> are the gate that decides whether a renewal request is accepted.
    /// </summary>
    public int RenewalDuePercent { get; set; } = 80;

    /// <summary>When set, a certificate becomes due this many days before it expires instead of at <see cref="RenewalDuePercent"/>.</summary>
    public int? RenewalDueDaysBeforeExpiry { get; set; }

    /// <summary>
    /// Random spread of the due time, plus or minus this percentage of the lifetime, 0 to 25, so a fleet enrolled in
    /// one afternoon does not come due in one minute. Default 2 (about a week either way for a year's certificate).
    /// Ignored when <see cref="RenewalJitterHours"/> is set.
    /// </summary>
    public double RenewalJitterPercent { get; set; } = 2;

    /// <summary>When set, the due time's random spread is plus or minus this many hours instead of <see cref="RenewalJitterPercent"/>.</summary>
    public int? RenewalJitterHours { get; set; }

    /// <summary>
    /// When set, a request whose signingTime differs from the broker's clock by more than this many minutes gets
    /// FAILURE badTime. Unset by default: MFDs and routers often run with wrong clocks, and the transaction's
    /// nonce and challenge already stop replays.
    /// </summary>
    public int? SigningTimeToleranceMinutes { get; set; }

    /// <summary>Content-encryption capabilities advertised (AES, DES3), always listed strongest first. Default both.</summary>
    public List<string> Ciphers { get; set; } = [];

    /// <summary>Digest capabilities advertised (SHA-512, SHA-384, SHA-256, SHA-1). Default all four.</summary>
    public List<string> Digests { get; set; } = [];

    /// <summary>
    /// How the weak-crypto policy applies to this profile's requests (<see cref="WeakCryptoMode"/>): Off,
    /// Flag (record findings) or Enforce (refuse FAILs). Default Flag.
    /// </summary>
    public WeakCryptoMode WeakCrypto { get; set; } = WeakCryptoMode.Flag;

    /// <summary>Which names the profile's certificates may carry (<see cref="NamePolicyOptions"/>).</summary>
    public NamePolicyOptions Names { get; set; } = new();

    /// <summary>Whether WC-EC-01 accepts brainpool curves (BSI TR-02102-1) besides P-256, P-384 and P-521. Default false.</summary>
    public bool AllowBrainpool { get; set; }
}
