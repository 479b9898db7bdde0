using CertBroker.Core.Approvals;
using CertBroker.Core.Backends;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Enrolment.Steps;

namespace CertBroker.Server.Hosting;

internal static class EnrolmentRegistration
{
    /// <summary>
    /// The SCEP responder, its enrolment pipeline with every step, the backend catalog with one provider per kind of
    /// CA, and the one issuance recorder they share.
    /// </summary>
    public static IServiceCollection AddEnrolmentPipeline(this IServiceCollection services)
    {
        services.AddSingleton<IssuanceRecorder>();
        services.AddSingleton<BackendCatalog>();
        services.AddSingleton<EmbeddedBackend>();
        services.AddSingleton<IBackendProvider, EmbeddedBackendProvider>();
        services.AddSingleton<IBackendProvider, UpstreamBackendProvider>();
        services.AddSingleton<UpstreamPoller>();
        services.AddSingleton<RequestAuthorizer>();
        services.AddSingleton<ReplayStep>();
        services.AddSingleton<ProofOfPossessionStep>();
        services.AddSingleton<NamePolicyStep>();
        services.AddSingleton<AuthorizationStep>();
        services.AddSingleton<KeyAndAlgorithmPolicyStep>();
        services.AddSingleton<ApprovalGateStep>();
        services.AddSingleton<BackendStep>();
        services.AddSingleton<EnrolmentPipeline>();
        services.AddSingleton<ScepResponder>();
        return services;
    }
}
