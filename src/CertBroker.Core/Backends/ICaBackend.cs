namespace CertBroker.Core.Backends;

/// <summary>
/// The CA behind one profile: the embedded CA, an upstream SCEP CA the broker is RA for, or any other. The
/// enrolment pipeline, the approval queue and the endpoints see only this; optional abilities are separate small
/// interfaces a backend may also implement (<see cref="ICrlSource"/>, <see cref="INextCaSource"/>,
/// <see cref="IChallengeSource"/>).
/// </summary>
public interface ICaBackend
{
    /// <summary>
    /// The RA and CA chain devices see, or null while the backend is not ready (an upstream not reached yet);
    /// a backend that is not ready starts getting ready when asked.
    /// </summary>
    BackendIdentity? Identity { get; }

    /// <summary>
    /// Asks for a certificate for an authorised request: issued (and recorded), pending at the backend (it settles
    /// later by itself), or refused with a failInfo. The caller holds the transaction's lock.
    /// </summary>
    /// <exception cref="Storage.ChallengeAlreadyUsedException">The request's one-time password was used by
    /// another request meanwhile; nothing was recorded.</exception>
    Task<BackendOutcome> SubmitAsync(BackendSubmission submission, CancellationToken cancellationToken);
}
