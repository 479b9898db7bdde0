using CertBroker.Core.Model;
namespace CertBroker.Core.Storage;

/// <summary>The result of recording an issued certificate for a transaction.</summary>
/// <param name="Certificate">The certificate now bound to the transaction: the new one, or the one an earlier
/// message of the same transaction already obtained (then <paramref name="AlreadyIssued"/> is true).</param>
public sealed record IssueOutcome(CertificateRecord Certificate, bool AlreadyIssued);
