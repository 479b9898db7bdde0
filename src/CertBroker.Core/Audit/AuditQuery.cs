namespace CertBroker.Core.Audit;

/// <summary>A page of the audit trail, oldest first. Every filter is optional.</summary>
public sealed record AuditQuery
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Exact action name, or a prefix ending in '.' (<c>request.</c> matches every request event).</summary>
    public string? Action { get; init; }

    public string? Actor { get; init; }

    public string? Target { get; init; }

    /// <summary>Only events after this ID, for paging and for following the trail.</summary>
    public long? AfterId { get; init; }

    public int Limit { get; init; } = 1000;
}
