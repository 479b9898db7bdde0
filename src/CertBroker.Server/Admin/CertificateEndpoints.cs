using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Backends;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>/api/v1/certificates</c>: list and search issued certificates (<see cref="Permission.ReadInventory"/>) and
/// revoke one (<see cref="Permission.RevokeCertificates"/>), which signs a new CRL at once.
/// </summary>
internal static class CertificateEndpoints
{
    public static RouteGroupBuilder MapCertificateEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder certificates = api.MapGroup("/certificates");
        certificates.MapGet("/", ListAsync)
            .WithName("ListCertificates")
            .WithSummary("Lists issued certificates, newest first; filters profile, state, expiresWithinDays, q; paging limit, offset.")
            .Produces<List<CertificateResponse>>()
            .ProducesValidationProblem()
            .RequirePermission(Permission.ReadInventory);
        certificates.MapGet("/{serial}", GetAsync)
            .WithName("GetCertificate")
            .Produces<CertificateResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permission.ReadInventory);
        certificates.MapPost("/{serial}/revoke", RevokeAsync)
            .WithName("RevokeCertificate")
            .WithSummary("Revokes with an RFC 5280 reason and signs a new CRL at once.")
            .Produces<CertificateResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permission.RevokeCertificates);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ICertificateInventory inventory, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset now = time.GetUtcNow();
        CertificateQuery? query = InventoryQueries.Certificates(http.Request.Query, now, errors);
        if (query is null)
        {
            return Results.ValidationProblem(errors);
        }

        IReadOnlyList<CertificateRecord> certificates = await inventory.ListCertificatesAsync(query, cancellationToken);
        return Results.Ok(certificates.Select(c => CertificateResponse.From(c, now)));
    }

    private static async Task<IResult> GetAsync(string serial, ICertificateStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.FindBySerialAsync(Normalize(serial), cancellationToken) is { } certificate
            ? Results.Ok(CertificateResponse.From(certificate, time.GetUtcNow(), withPem: true))
            : NotFound(serial);

    private static async Task<IResult> RevokeAsync(
        string serial,
        RevokeBody? body,
        HttpContext http,
        ICertificateStore store,
        ICertificateInventory inventory,
        ICrlPublisher crls,
        AuditRecorder audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        string reasonName = body?.Reason ?? "unspecified";
        if (!RevocationReasons.TryParse(reasonName, out int reason))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"Use an RFC 5280 reason: {string.Join(", ", RevocationReasons.Names)}."],
            });
        }

        serial = Normalize(serial);
        CertificateRecord? current = await store.FindBySerialAsync(serial, cancellationToken);
        if (current is null)
        {
            return NotFound(serial);
        }

        if (current.RevokedAt is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The certificate is already revoked.",
                detail: $"Certificate {serial} was revoked at {current.RevokedAt:u}.");
        }

        DateTimeOffset now = time.GetUtcNow();
        AuditEvent revoked = http.AuditBy(now, AuditActions.CertificateRevoked) with
        {
            Target = serial,
            Profile = current.Profile,
            Details = $"reason {RevocationReasons.NameOf(reason)}, subject {current.Subject}",
        };
        CertificateRecord? record = await inventory.RevokeAsync(serial, reason, now, revoked, cancellationToken);
        if (record is null)
        {
            return NotFound(serial);
        }

        audit.Committed(revoked);
        // The cached CRL would list the certificate only at its next refresh; relying parties need it now.
        await crls.PublishAsync(cancellationToken);
        return Results.Ok(CertificateResponse.From(record, now));
    }

    /// <summary>Serials are stored as lower-case hex without leading zero bytes; accept them as people paste them (colons, upper case).</summary>
    private static string Normalize(string serial)
    {
        string hex = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (hex.Length % 2 == 1)
        {
            hex = "0" + hex;
        }

        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal))
        {
            hex = hex[2..];
        }

        return hex;
    }

    private static IResult NotFound(string serial) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such certificate.", detail: $"No certificate has serial {serial}.");
}

/// <summary>The body of a revocation: an RFC 5280 reason name (default unspecified).</summary>
internal sealed record RevokeBody(string? Reason);
