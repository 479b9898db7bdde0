using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// What the broker answers to a PKIOperation it could read, as a value: <see cref="CertRepSigner"/> turns it into
/// the signed CertRep in one place.
/// </summary>
public sealed record PkiOutcome
{
    public required PkiStatus Status { get; init; }

    public FailInfo? FailInfo { get; init; }

    /// <summary>Why, for the log only; never sent to the client.</summary>
    public required string Reason { get; init; }

    /// <summary>The certificates of a SUCCESS, the issued one first.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Certificates { get; init; } = [];

    /// <summary>The CRLs of a SUCCESS answering GetCRL.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Crls { get; init; } = [];

    /// <summary>Serial of the certificate returned, if any.</summary>
    public string? Serial { get; init; }

    /// <summary>
    /// Set on a refusal the enrolment pipeline records as a Failed transaction before answering; the value is the
    /// certificate whose renewal was refused, if any, which records it as its last attempt.
    /// </summary>
    public RecordedRefusal? Record { get; init; }

    public static PkiOutcome Failure(FailInfo failInfo, string reason) => new() { Status = PkiStatus.Failure, FailInfo = failInfo, Reason = reason };

    /// <summary>A refusal of an enrolment request, stored with its failInfo so the admin sees it.</summary>
    public static PkiOutcome Refusal(FailInfo failInfo, string reason, string? renewalOf = null) =>
        Failure(failInfo, reason) with { Record = new RecordedRefusal(renewalOf) };

    public static PkiOutcome Pending(string reason) => new() { Status = PkiStatus.Pending, Reason = reason };

    public static PkiOutcome Success(IReadOnlyList<ReadOnlyMemory<byte>> certificates, IReadOnlyList<ReadOnlyMemory<byte>> crls, string reason, string? serial = null) =>
        new() { Status = PkiStatus.Success, Certificates = certificates, Crls = crls, Reason = reason, Serial = serial };

    /// <summary>A SUCCESS with an issued certificate, followed by the CA chain when the profile says so.</summary>
    public static PkiOutcome Issued(ScepProfile profile, BackendIdentity identity, CertificateRecord certificate, string reason)
    {
        var certificates = new List<ReadOnlyMemory<byte>> { certificate.Der };
        if (profile.Options.IncludeCaCertificates)
        {
            certificates.AddRange(identity.CaChain.Select(static (X509Certificate2 ca) => (ReadOnlyMemory<byte>)ca.RawData));
        }

        return Success(certificates, [], reason, certificate.Serial);
    }
}
