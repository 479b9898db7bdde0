using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>A renewal by a current certificate of ours, a trusted RA, or the profile's challenge allows the request.</summary>
public sealed class AuthorizationStep(RequestAuthorizer authorizer) : IEnrolmentStep
{
    public async ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        Authorization authorization = await authorizer.AuthorizeAsync(context, context.Csr, context.Key.SignerCertificate, cancellationToken).ConfigureAwait(false);
        if (!authorization.Allowed)
        {
            return authorization.Unrecorded
                ? PkiOutcome.Failure(FailInfo.BadRequest, authorization.Reason)
                : PkiOutcome.Refusal(FailInfo.BadRequest, authorization.Reason, authorization.RenewalOf);
        }

        context.Authorization = authorization;
        return null;
    }
}
