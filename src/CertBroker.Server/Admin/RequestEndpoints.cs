using CertBroker.Core.Accounts;
using CertBroker.Core.Approvals;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Server.Admin;

/// <summary>
/// The approval queue over the admin API: <c>GET /requests?status=&amp;profile=&amp;q=</c>, <c>GET /requests/{id}</c>,
/// <c>POST /requests/{id}/approve</c> and <c>POST /requests/{id}/reject</c> with <c>{"reason": "..."}</c>. Reading
/// needs <see cref="Permission.ReadInventory"/>, deciding <see cref="Permission.ManageRequests"/>.
/// </summary>
internal static class RequestEndpoints
{
    private static readonly string[] Statuses = ["pending", "issued", "rejected", "expired", "all"];

    public static RouteGroupBuilder MapRequestEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder requests = api.MapGroup("/requests").WithTags("Requests");

        requests.MapGet("/", async (string? status, string? profile, string? q, IApprovalStore store, IUpstreamRequestStore upstreamRequests, CancellationToken cancellationToken) =>
        {
            if (!TryParseStatus(status, out RequestStatus? parsed))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"Use one of {string.Join(", ", Statuses)}; got '{status}'."],
                });
            }

            IReadOnlyList<EnrolmentTransaction> found = await store.ListRequestsAsync(
                new RequestQuery { Status = parsed, Profile = profile, Text = q }, cancellationToken).ConfigureAwait(false);
            var views = new List<RequestView>(found.Count);
            foreach (EnrolmentTransaction request in found)
            {
                views.Add(await RequestView.FromAsync(request, upstreamRequests, cancellationToken).ConfigureAwait(false));
            }

            return Results.Ok(views);
        })
        .WithName("ListRequests")
        .WithSummary("Lists queued requests; status pending (default), issued, rejected, expired or all.")
        .Produces<List<RequestView>>()
        .ProducesValidationProblem()
        .RequirePermission(Permission.ReadInventory);

        requests.MapGet("/{id:long}", async (long id, IApprovalStore store, IUpstreamRequestStore upstreamRequests, CancellationToken cancellationToken) =>
            await store.FindRequestAsync(id, cancellationToken).ConfigureAwait(false) is { } request
                ? Results.Ok(await RequestView.FromAsync(request, upstreamRequests, cancellationToken).ConfigureAwait(false))
                : NoSuchRequest(id))
        .WithName("GetRequest")
        .Produces<RequestView>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .RequirePermission(Permission.ReadInventory);

        requests.MapPost("/{id:long}/approve", async (long id, HttpContext http, RequestQueue queue, CancellationToken cancellationToken) =>
            Answer(id, await queue.ApproveAsync(id, DeciderOf(http), cancellationToken).ConfigureAwait(false)))
        .WithName("ApproveRequest")
        .WithSummary("Issues the certificate now; the device collects it with its next poll or re-sent request.")
        .Produces<RequestView>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequirePermission(Permission.ManageRequests);

        requests.MapPost("/{id:long}/reject", async (long id, RejectBody? body, HttpContext http, RequestQueue queue, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(body?.Reason))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["A rejection needs a reason."] });
            }

            return Answer(id, await queue.RejectAsync(id, body.Reason.Trim(), DeciderOf(http), cancellationToken).ConfigureAwait(false));
        })
        .WithName("RejectRequest")
        .WithSummary("Rejects with a reason; the device gets FAILURE badRequest with its next poll or re-sent request.")
        .Produces<RequestView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequirePermission(Permission.ManageRequests);

        return api;
    }

    private static Decider DeciderOf(HttpContext http) => new(http.User.Actor(), http.Connection.RemoteIpAddress?.ToString());

    private static IResult Answer(long id, QueueDecision decision) => decision.Outcome switch
    {
        QueueDecisionOutcome.Done => Results.Ok(RequestView.From(decision.Request!)),
        QueueDecisionOutcome.Conflict => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The request is not pending",
            detail: decision.Problem,
            extensions: new Dictionary<string, object?> { ["requestStatus"] = RequestView.StatusOf(decision.Request!), ["requestId"] = id }),
        _ => NoSuchRequest(id),
    };

    private static IResult NoSuchRequest(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such request", detail: $"There is no queued request {id}.");

    private static bool TryParseStatus(string? text, out RequestStatus? status)
    {
        status = null;
        switch (text?.ToLowerInvariant())
        {
            case null or "" or "pending":
                status = RequestStatus.Pending;
                return true;
            case "all":
                return true;
            case "issued":
                status = RequestStatus.Issued;
                return true;
            case "rejected":
                status = RequestStatus.Rejected;
                return true;
            case "expired":
                status = RequestStatus.Expired;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The body of a rejection.</summary>
    internal sealed record RejectBody(string? Reason);
}
