namespace CertBroker.Core.Cluster;

/// <summary>What a failure count counts; stored as its number, so never renumber.</summary>
public enum FailureKind
{
    /// <summary>Failed challenges of one source network on one profile (<c>ChallengeLockout</c>).</summary>
    Challenge = 1,

    /// <summary>Failed sign-ins on one user name from one source network (<c>SignInLockout</c>).</summary>
    SignInSource = 2,

    /// <summary>Failed sign-ins on one user name from every source (<c>SignInLockout</c>'s slow-down).</summary>
    SignInName = 3,

    /// <summary>Failed sign-ins of one source network on any name (<c>SourceFailureLimiter</c>).</summary>
    SignInAnyName = 4,
}
