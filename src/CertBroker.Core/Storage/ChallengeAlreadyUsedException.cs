namespace CertBroker.Core.Storage;

/// <summary>The password was used by another transaction between the check and the write; nothing was written.</summary>
public sealed class ChallengeAlreadyUsedException(long challengeId)
    : Exception($"One-time challenge {challengeId} has already been used.")
{
    public long ChallengeId { get; } = challengeId;
}
