using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>One PKCSReq or RenewalReq on its way through the <see cref="EnrolmentPipeline"/>.</summary>
public sealed class EnrolmentContext
{
    public required ScepProfile Profile { get; init; }

    public required PkiMessage Request { get; init; }

    public required DecryptedContent Content { get; init; }

    public required CertificationRequest Csr { get; init; }

    public required TransactionKey Key { get; init; }

    public required string? RequesterAddress { get; init; }

    /// <summary>The profile's CA.</summary>
    public required ICaBackend Backend { get; init; }

    /// <summary>The RA and CA chain the device sees.</summary>
    public required BackendIdentity Identity { get; init; }

    /// <summary>The name policy's decision: the names to issue and what it refused or left out; set by <see cref="Steps.NamePolicyStep"/>.</summary>
    public Names.NameDecision? Names { get; set; }

    /// <summary>On what grounds the request may be issued; set by <see cref="Steps.AuthorizationStep"/>.</summary>
    public Authorization Authorization { get; set; }

    /// <summary>The weak-crypto findings; set by <see cref="Steps.KeyAndAlgorithmPolicyStep"/>.</summary>
    public IReadOnlyList<Finding>? Findings { get; set; }

    /// <summary>The device, as the audit trail names it.</summary>
    public IssuanceCaller Caller => IssuanceCaller.Device(RequesterAddress);

    /// <summary>The transaction this request makes, as first written.</summary>
    public EnrolmentTransaction Transaction(TransactionState state, FailInfo? failInfo, DateTimeOffset now) => new()
    {
        Profile = Profile.Name,
        TransactionId = Key.Value,
        MessageType = (int)Request.MessageType,
        State = state,
        PublicKeySha256 = Csr.PublicKeySha256,
        Subject = Csr.Subject.Name,
        RequesterAddress = RequesterAddress,
        ContentEncryptionAlgorithm = Content.Algorithm.Name,
        DigestAlgorithm = DigestAlgorithms.DisplayName(Request.Signature.Digest),
        SignatureAlgorithm = Request.Signature.Scheme,
        FailInfo = failInfo?.ToRfcName(),
        CertificationRequest = Csr.Encoded,
        CreatedAt = now,
        UpdatedAt = now,
        Challenge = Authorization.Challenge,
        RenewalOf = Authorization.RenewalOf,
    };
}
