using System.Globalization;
using CertBroker.Core.Accounts;
using CertBroker.Core.Reports;
using CertBroker.Server.Monitoring;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>GET /api/v1/reports/expiry</c> (<see cref="Permission.ReadReports"/>): every matching certificate with its
/// device, dates, renewal progress, key and findings, as JSON or CSV (in notAfter order with <c>within</c>). Rows are written as the
/// database returns them, so the size of the inventory never decides the memory used.
/// </summary>
internal static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/reports").WithTags("Reports").MapGet("/expiry", Expiry)
            .WithName("GetExpiryReport")
            .WithSummary("Certificates by expiry, streamed as JSON or CSV (format=json|csv or Accept); filters within (30d, 12h, 2w), state, profile, location, owner.")
            .Produces<ExpiryReportDocument>()
            .Produces(StatusCodes.Status200OK, contentType: ExpiryReportWriter.CsvContentType)
            .ProducesValidationProblem()
            .RequirePermission(Permission.ReadReports);
        return api;
    }

    private static IResult Expiry(
        HttpContext http, IExpiryReportSource source, IOptions<MonitoringOptions> monitoring, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset now = time.GetUtcNow();
        ExpiryReportQuery? query = ReportQueries.Expiry(http.Request.Query, now, TimeSpan.FromDays(monitoring.Value.ExpiringDays), errors);
        bool? csv = ReportQueries.WantsCsv(http.Request, errors);
        if (query is null || csv is null)
        {
            return AdminProblems.Invalid(errors);
        }

        IAsyncEnumerable<ExpiryReportRow> rows = source.ReadExpiryReportAsync(query, cancellationToken);
        return csv.Value
            ? TypedResults.Stream(stream => ExpiryReportWriter.WriteCsvAsync(stream, rows, cancellationToken), ExpiryReportWriter.CsvContentType,
                $"certbroker-expiry-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv")
            : TypedResults.Stream(stream => ExpiryReportWriter.WriteJsonAsync(stream, now, rows, cancellationToken), "application/json; charset=utf-8");
    }
}

/// <summary>The query string of the expiry report; bad values are reported under their parameter name.</summary>
internal static class ReportQueries
{
    public static ExpiryReportQuery? Expiry(IQueryCollection query, DateTimeOffset now, TimeSpan expiringWithin, Dictionary<string, string[]> errors)
    {
        TimeSpan? within = null;
        if (Text(query, "within") is { } withinText)
        {
            within = ParseWindow(withinText);
            if (within is null)
            {
                errors["within"] = ["A whole number followed by h (hours), d (days) or w (weeks), e.g. 30d; at most 100 years."];
            }
        }

        ExpiryState? state = null;
        if (Text(query, "state") is { } stateText)
        {
            if (ExpiryStates.TryParse(stateText, out ExpiryState parsed))
            {
                state = parsed;
            }
            else
            {
                errors["state"] = [$"Use {string.Join(", ", ExpiryStates.All.Select(ExpiryStates.NameOf))}."];
            }
        }

        return errors.Count > 0 ? null : new ExpiryReportQuery
        {
            Now = now,
            Within = within,
            State = state,
            Profile = Text(query, "profile"),
            Location = Text(query, "location"),
            Owner = Text(query, "owner"),
            ExpiringWithin = expiringWithin,
        };
    }

    /// <summary>
    /// CSV when <c>format=csv</c>, JSON when <c>format=json</c>; without <c>format</c>, CSV when the Accept header
    /// asks for text/csv and not for JSON. Null (with an error) for another format.
    /// </summary>
    public static bool? WantsCsv(HttpRequest request, Dictionary<string, string[]> errors)
    {
        switch (Text(request.Query, "format")?.ToLowerInvariant())
        {
            case "csv":
                return true;
            case "json":
                return false;
            case null:
                string accept = request.Headers.Accept.ToString();
                return accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase);
            default:
                errors["format"] = ["Use json or csv."];
                return null;
        }
    }

    /// <summary><c>30d</c>, <c>12h</c>, <c>2w</c>: a whole number and a unit.</summary>
    public static TimeSpan? ParseWindow(string text)
    {
        if (text.Length < 2
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
        {
            return null;
        }

        long hours = char.ToLowerInvariant(text[^1]) switch
        {
            'h' => 1,
            'd' => 24,
            'w' => 24 * 7,
            _ => 0,
        };
        const long MaxHours = 100L * 366 * 24;
        return hours == 0 || amount > MaxHours / hours ? null : TimeSpan.FromHours(amount * hours);
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString().Trim() : null;
}
