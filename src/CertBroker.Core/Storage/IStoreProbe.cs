namespace CertBroker.Core.Storage;

/// <summary>Asks the database a trivial question, for the readiness endpoint a load balancer polls.</summary>
public interface IStoreProbe
{
    /// <summary>Completes when the database answered; throws when it cannot be reached or the schema is not this build's.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}
