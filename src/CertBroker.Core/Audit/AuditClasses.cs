namespace CertBroker.Core.Audit;

/// <summary>The retention class of each audit action.</summary>
public static class AuditClasses
{
    private static readonly HashSet<string> NoiseActions = new(StringComparer.Ordinal)
    {
        AuditActions.LoginFailed,
        AuditActions.ChallengeFailed,
        AuditActions.ChallengeSourceLockedOut,
        AuditActions.EnrolmentRejected,
    };

    /// <summary>Every action an anonymous caller can trigger without a credential is noise; everything else security.</summary>
    public static AuditClass Of(string action) => NoiseActions.Contains(action) ? AuditClass.Noise : AuditClass.Security;

    /// <summary>The noise actions, for the documentation and the store's migration.</summary>
    public static IReadOnlyCollection<string> Noise => NoiseActions;
}
