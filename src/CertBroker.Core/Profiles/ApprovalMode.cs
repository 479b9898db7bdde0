namespace CertBroker.Core.Profiles;

/// <summary>Whether a valid first enrolment is issued at once or waits for an admin.</summary>
public enum ApprovalMode
{
    /// <summary>Issue as soon as the request is authorised (challenge or renewal).</summary>
    Auto,

    /// <summary>Answer CertRep PENDING and queue the request until an admin approves or rejects it.</summary>
    Manual,
}
