namespace CertBroker.Core.Approvals;

public enum QueueDecisionOutcome
{
    Done,
    NotFound,
    Conflict,
}
