using CertBroker.Core.Audit;

namespace CertBroker.Core.Model;

/// <summary>
/// A one-time password that authorised a request, to be marked used in the same database transaction that records
/// the decision (issued or pending). Set on <see cref="Model.EnrolmentTransaction.Challenge"/>.
/// </summary>
/// <param name="ChallengeId">The challenge row.</param>
/// <param name="UsedEvent">The <c>challenge.used</c> audit event, written with it.</param>
public sealed record ChallengeRedemption(long ChallengeId, AuditEvent UsedEvent);
