using CertBroker.Core.Names;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>An authorised request on its way to a backend.</summary>
/// <param name="Profile">The profile it was made for.</param>
/// <param name="Transaction">The device's transaction, with the one-time password and the renewed serial that
/// authorised it (<see cref="EnrolmentTransaction.Challenge"/>, <see cref="EnrolmentTransaction.RenewalOf"/>).</param>
/// <param name="Csr">The transaction's CSR.</param>
/// <param name="Names">The name policy's decision on it: the names to issue, or a refusal.</param>
/// <param name="Caller">Who submits: the device, an approving admin, or the broker's own job.</param>
/// <param name="Findings">The weak-crypto findings of the request, recorded with the certificate.</param>
/// <param name="Stored">Whether <paramref name="Transaction"/> is already stored (queued or waiting for the backend).</param>
/// <param name="Note">Why it was allowed, for the audit trail.</param>
public sealed record BackendSubmission(
    ScepProfile Profile,
    EnrolmentTransaction Transaction,
    CertificationRequest Csr,
    NameDecision Names,
    IssuanceCaller Caller,
    IReadOnlyList<Finding>? Findings,
    bool Stored,
    string? Note = null)
{
    /// <summary>
    /// A stored transaction (a queued request, one waiting for an upstream), its CSR read back and its names judged
    /// again by the profile's policy as it is now.
    /// </summary>
    public static BackendSubmission ForStored(ScepProfile profile, EnrolmentTransaction transaction, IssuanceCaller caller, IReadOnlyList<Finding>? findings)
    {
        byte[] encoded = transaction.CertificationRequest
            ?? throw new InvalidOperationException($"Transaction {transaction.TransactionId} has no stored CSR.");
        CertificationRequest csr = CertificationRequest.Parse(encoded);
        return new BackendSubmission(profile, transaction, csr, profile.Names.Decide(csr.Subject, csr.Extensions), caller, findings, Stored: true);
    }

    /// <summary>
    /// The certificate a stored renewal renews: the store keeps it only in the transaction's key. A key names a serial
    /// whenever the signer was one of ours, but only a request authorised as a renewal renews it (one authorised by
    /// its challenge, such as a registration authority's relay, does not).
    /// </summary>
    public string? RenewalOf => Transaction.RenewalOf
        ?? (Stored && Transaction.ChallengeMode == PendingRequest.RenewalChallengeMode ? StoredTransactionId.Split(Transaction.TransactionId).RenewedSerial : null);
}
