using CertBroker.Core.Model;

namespace CertBroker.Core.Approvals;

/// <summary>What became of a decision: done, no such request, or a conflict with the request's current state.</summary>
public sealed record QueueDecision(QueueDecisionOutcome Outcome, EnrolmentTransaction? Request, string? Problem)
{
    public static QueueDecision NotFound { get; } = new(QueueDecisionOutcome.NotFound, null, "No such request.");

    public static QueueDecision Done(EnrolmentTransaction request) => new(QueueDecisionOutcome.Done, request, null);

    public static QueueDecision Conflict(EnrolmentTransaction request, string problem) => new(QueueDecisionOutcome.Conflict, request, problem);
}
