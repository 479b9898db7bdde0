namespace CertBroker.Core.Cluster;

/// <summary>One failure count: its kind, what was attacked (a profile, a user name; empty when none) and from where.</summary>
public sealed record FailureKey
{
    /// <summary>Longer subjects and sources are cut, so no caller can make a key big.</summary>
    public const int MaxLength = 128;

    public FailureKey(FailureKind kind, string subject, string source)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(source);
        Kind = kind;
        Subject = subject.Length > MaxLength ? subject[..MaxLength] : subject;
        Source = source.Length > MaxLength ? source[..MaxLength] : source;
    }

    public FailureKind Kind { get; }

    public string Subject { get; }

    public string Source { get; }
}
