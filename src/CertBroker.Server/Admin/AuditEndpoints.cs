using System.Text;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using Microsoft.AspNetCore.Mvc;

namespace CertBroker.Server.Admin;

/// <summary>
/// The audit trail (<see cref="Permission.ReadAudit"/>), oldest first: <c>GET /api/v1/audit</c> as JSON pages and
/// <c>GET /api/v1/audit/export</c> as CSV. Both take the same filters; page with <c>afterId</c> set to the last ID seen.
/// </summary>
internal static class AuditEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    private const int ExportPageSize = 5000;

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder audit = api.MapGroup("/audit").RequirePermission(Permission.ReadAudit).WithTags("Audit");
        audit.MapGet("/", ListAsync)
            .WithName("ListAuditEvents")
            .WithSummary("A page of the audit trail, oldest first. 'action' ending in '.' matches a group, e.g. 'auth.'.")
            .Produces<IReadOnlyList<AuditEventResponse>>()
            .ProducesValidationProblem();
        audit.MapGet("/export", ExportAsync)
            .WithName("ExportAuditEvents")
            .WithSummary("Every matching event as CSV (RFC 4180), oldest first; the export is itself audited.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<IResult> ListAsync([AsParameters] AuditFilter filter, IAuditTrail trail, CancellationToken cancellationToken)
    {
        if (filter.Problem() is { } problem)
        {
            return problem;
        }

        IReadOnlyList<StoredAuditEvent> events = await trail.ListAsync(filter.ToQuery(filter.Limit ?? DefaultPageSize), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(events.Select(AuditEventResponse.From).ToList());
    }

    private static async Task<IResult> ExportAsync(
        [AsParameters] AuditFilter filter,
        HttpContext http,
        IAuditTrail trail,
        AuditRecorder recorder,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (filter.Problem() is { } problem)
        {
            return problem;
        }

        // Recorded first: whoever exports the trail shows in it, even if the download breaks off.
        await recorder.RecordAsync(
            http.AuditBy(time.GetUtcNow(), AuditActions.AuditExported) with { Details = $"CSV export; filters: {filter.Describe()}." },
            cancellationToken).ConfigureAwait(false);
        string fileName = $"certbroker-audit-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv";
        return TypedResults.Stream(stream => WriteCsvAsync(stream, filter, trail, cancellationToken), Csv.ContentType, fileName);
    }

    /// <summary>Streams the matching events page by page, so the size of the trail never decides the memory used.</summary>
    private static async Task WriteCsvAsync(Stream stream, AuditFilter filter, IAuditTrail trail, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
        await writer.WriteAsync(AuditCsv.HeaderRow()).ConfigureAwait(false);
        long? afterId = filter.AfterId;
        long remaining = filter.Limit ?? long.MaxValue;
        while (remaining > 0)
        {
            int pageSize = (int)Math.Min(ExportPageSize, remaining);
            IReadOnlyList<StoredAuditEvent> page = await trail.ListAsync(filter.ToQuery(pageSize) with { AfterId = afterId }, cancellationToken).ConfigureAwait(false);
            foreach (StoredAuditEvent stored in page)
            {
                await writer.WriteAsync(AuditCsv.Row(stored)).ConfigureAwait(false);
            }

            if (page.Count < pageSize)
            {
                break;
            }

            afterId = page[^1].Id;
            remaining -= page.Count;
        }
    }
}

/// <summary>Query-string filters of the audit endpoints; every one optional.</summary>
/// <param name="From">Events at or after this time (ISO 8601).</param>
/// <param name="To">Events before this time (ISO 8601).</param>
/// <param name="Action">An action name, or a prefix ending in '.'.</param>
/// <param name="Actor">Exact actor: a user name, <c>token:NAME</c>, <c>device</c>, <c>system</c>, <c>anonymous</c>.</param>
/// <param name="Target">Exact target.</param>
/// <param name="AfterId">Only events after this ID.</param>
/// <param name="Limit">Most events returned, 1 to 1000; default 100 for the list, everything for the export.</param>
internal sealed record AuditFilter(
    [property: FromQuery(Name = "from")] DateTimeOffset? From,
    [property: FromQuery(Name = "to")] DateTimeOffset? To,
    [property: FromQuery(Name = "action")] string? Action,
    [property: FromQuery(Name = "actor")] string? Actor,
    [property: FromQuery(Name = "target")] string? Target,
    [property: FromQuery(Name = "afterId")] long? AfterId,
    [property: FromQuery(Name = "limit")] int? Limit)
{
    public IResult? Problem()
    {
        var errors = new Dictionary<string, string[]>();
        if (Limit is < 1 or > AuditEndpoints.MaxPageSize)
        {
            errors["limit"] = [$"Between 1 and {AuditEndpoints.MaxPageSize}."];
        }

        if (From > To)
        {
            errors["from"] = ["Must not be after 'to'."];
        }

        return errors.Count == 0 ? null : AdminProblems.Invalid(errors);
    }

    /// <summary>The filters given, for the audit record of an export.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={(value is DateTimeOffset time ? time.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : value)}");
            }
        }

        Add("from", From);
        Add("to", To);
        Add("action", Action);
        Add("actor", Actor);
        Add("target", Target);
        Add("afterId", AfterId);
        Add("limit", Limit);
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    public AuditQuery ToQuery(int limit) => new()
    {
        From = From,
        To = To,
        Action = Action,
        Actor = Actor,
        Target = Target,
        AfterId = AfterId,
        Limit = limit,
    };
}

internal sealed record AuditEventResponse(
    long Id, DateTimeOffset Time, string Action, AuditOutcome Outcome, string Actor, string? SourceAddress, string? Target, string? Profile, string? Details)
{
    public static AuditEventResponse From(StoredAuditEvent stored)
    {
        AuditEvent e = stored.Event;
        return new(stored.Id, e.Time, e.Action, e.Outcome, e.Actor, e.SourceAddress, e.Target, e.Profile, e.Details);
    }
}
