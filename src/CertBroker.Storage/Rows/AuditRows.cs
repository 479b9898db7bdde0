using CertBroker.Core.Audit;
using Dapper;

namespace CertBroker.Storage.Rows;

/// <summary>
/// What both databases' audit trails share: the bound on an event's details, and the query behind
/// <see cref="IAuditTrail.ListAsync"/> (plain SQL both SQLite and PostgreSQL run) with the mapping of its rows.
/// </summary>
internal static class AuditRows
{
    /// <summary>The most characters of an event's details the trail keeps, so no event costs more than a few KB.</summary>
    public const int MaxDetailsLength = 2_000;

    /// <summary>Details cut to <see cref="MaxDetailsLength"/>, marked with an ellipsis.</summary>
    public static string? Bounded(string? details) =>
        details is { Length: > MaxDetailsLength } ? string.Concat(details.AsSpan(0, MaxDetailsLength - 1), "…") : details;

    /// <summary>The statement and its parameters for <paramref name="query"/>, oldest first.</summary>
    public static (string Sql, DynamicParameters Args) ListQuery(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        var args = new DynamicParameters();
        if (query.AfterId is { } afterId)
        {
            where.Add("id > @AfterId");
            args.Add("AfterId", afterId);
        }

        if (query.From is { } from)
        {
            where.Add("time >= @From");
            args.Add("From", UnixMicroseconds.From(from));
        }

        if (query.To is { } to)
        {
            where.Add("time < @To");
            args.Add("To", UnixMicroseconds.From(to));
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            where.Add(query.Action.EndsWith('.') ? "substr(action, 1, length(@Action)) = @Action" : "action = @Action");
            args.Add("Action", query.Action);
        }

        if (!string.IsNullOrEmpty(query.Actor))
        {
            where.Add("actor = @Actor");
            args.Add("Actor", query.Actor);
        }

        if (!string.IsNullOrEmpty(query.Target))
        {
            where.Add("target = @Target");
            args.Add("Target", query.Target);
        }

        args.Add("Limit", (long)Math.Clamp(query.Limit, 1, 100_000));
        string sql = "SELECT id, time, action, outcome, actor, source_address, target, profile, details FROM audit_events"
            + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))
            + " ORDER BY id LIMIT @Limit";
        return (sql, args);
    }

    public static StoredAuditEvent ToStored(AuditRow r) => new(r.id, new AuditEvent
    {
        Time = UnixMicroseconds.ToDateTimeOffset(r.time),
        Action = r.action,
        Outcome = (AuditOutcome)r.outcome,
        Actor = r.actor,
        SourceAddress = r.source_address,
        Target = r.target,
        Profile = r.profile,
        Details = r.details,
    });

#pragma warning disable IDE1006, SA1300 // Column names, as Dapper maps them.
    internal sealed record AuditRow(
        long id, long time, string action, long outcome, string actor, string? source_address, string? target, string? profile, string? details);
#pragma warning restore IDE1006, SA1300
}
