namespace CertBroker.Core.Names;

/// <summary>One check on one name. Rules run in order; the first that objects decides the name's fate.</summary>
public interface INameRule
{
    /// <summary>The id the log and the audit trail name (NAME-…).</summary>
    string Id { get; }

    /// <returns>Why the name is refused, or null when this rule has nothing against it.</returns>
    string? Check(NameCandidate candidate);
}
