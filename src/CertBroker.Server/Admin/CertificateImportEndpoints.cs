using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;


namespace CertBroker.Server.Admin;

/// <summary>
/// <c>POST /api/v1/certificates/import</c>: certificates issued elsewhere (NDES, another CA, a device itself) into
/// the inventory, checked by the weak-crypto rules (<see cref="Permission.ManageInventory"/>).
/// </summary>
internal static class CertificateImportEndpoints
{
    /// <summary>Largest body accepted, in bytes: a PKCS#7 bundle of a few thousand certificates.</summary>
    public const int MaxImportBytes = 10 * 1024 * 1024;

    public static RouteGroupBuilder MapCertificateImportEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/certificates/import", ImportAsync)
            .WithName("ImportCertificates")
            .WithSummary("Imports certificates issued elsewhere (PEM, DER or PKCS#7 in the body) into a profile's inventory; idempotent by thumbprint. Query: profile (default 'default').")
            .Produces<CertificateImportResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePermission(Permission.ManageInventory);
        return api;
    }

    // The body is read raw: declaring a request type would let model binding answer before authorization.
    private static async Task<IResult> ImportAsync(
        HttpContext http, ProfileCatalog profiles, BackendCatalog backends, CertificateImporter importer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxImportBytes)
        {
            return TooLarge();
        }

        string profileName = http.Request.Query["profile"].FirstOrDefault() ?? BrokerOptions.DefaultProfileName;
        if (profiles.Find(profileName) is not { } profile)
        {
            return Invalid("profile", $"No profile named '{profileName}'.");
        }

        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, cancellationToken);
        if (body.Length > MaxImportBytes)
        {
            return TooLarge();
        }

        IReadOnlyList<byte[]> certificates;
        try
        {
            certificates = CertificateBundle.Read(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (InvalidDataException ex)
        {
            return Invalid("body", ex.Message);
        }

        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<ImportOutcome> outcomes;
        try
        {
            outcomes = await importer.ImportAsync(
                certificates, profile, backends.For(profile).Identity?.CaChain ?? [], http.AuditBy(now, AuditActions.CertificateImported), cancellationToken);
        }
        catch (ImportRefusedException ex)
        {
            return Invalid("body", ex.Message);
        }

        return Results.Ok(new CertificateImportResponse(
            outcomes.Count(o => !o.AlreadyPresent),
            outcomes.Count(o => o.AlreadyPresent),
            [.. outcomes.Select(o => CertificateResponse.From(o.Certificate, now))]));
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static IResult TooLarge() =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"Imports are limited to {MaxImportBytes} bytes.");
}

/// <summary>What an import did: certificates added, certificates already in the inventory, and all of them as stored.</summary>
internal sealed record CertificateImportResponse(int Imported, int AlreadyPresent, IReadOnlyList<CertificateResponse> Certificates);
