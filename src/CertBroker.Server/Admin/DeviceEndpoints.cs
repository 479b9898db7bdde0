using System.Text.Json;
using System.Text.Json.Nodes;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>/api/v1/devices</c>: list, search and edit the device inventory, with each device's certificate history.
/// Reading needs <see cref="Permission.ReadInventory"/>, changes <see cref="Permission.ManageInventory"/>; every
/// change is audited in the same transaction.
/// </summary>
internal static class DeviceEndpoints
{
    public static RouteGroupBuilder MapDeviceEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder devices = api.MapGroup("/devices");
        devices.MapGet("/", ListAsync)
            .WithName("ListDevices")
            .WithSummary("Lists devices with the state of their newest certificate; filters profile, state, expiresWithinDays, q; paging limit, offset.")
            .Produces<List<DeviceResponse>>()
            .ProducesValidationProblem()
            .RequirePermission(Permission.ReadInventory);
        devices.MapPost("/", CreateAsync)
            .WithName("CreateDevice")
            .WithSummary("Adds a device before it enrols.")
            .Produces<DeviceResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permission.ManageInventory);
        devices.MapGet("/export", DeviceCsvEndpoints.ExportAsync)
            .WithName("ExportDevices")
            .WithSummary("The filtered devices as RFC 4180 CSV.")
            .Produces<string>(contentType: "text/csv")
            .ProducesValidationProblem()
            .RequirePermission(Permission.ReadInventory);
        devices.MapPost("/import", DeviceCsvEndpoints.ImportAsync)
            .WithName("ImportDevices")
            .WithSummary("Creates or updates devices from CSV, matched by identity; all rows or none.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequirePermission(Permission.ManageInventory);
        devices.MapGet("/{id:long}", GetAsync)
            .WithName("GetDevice")
            .Produces<DeviceResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permission.ReadInventory);
        devices.MapPut("/{id:long}", ReplaceAsync)
            .WithName("ReplaceDevice")
            .Produces<DeviceResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permission.ManageInventory);
        devices.MapPatch("/{id:long}", PatchAsync)
            .WithName("PatchDevice")
            .WithSummary("JSON merge patch (RFC 7396) of the device's metadata.")
            .Produces<DeviceResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequirePermission(Permission.ManageInventory);
        devices.MapDelete("/{id:long}", DeleteAsync)
            .WithName("DeleteDevice")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permission.ManageInventory);
        devices.MapGet("/{id:long}/certificates", CertificatesAsync)
            .WithName("ListDeviceCertificates")
            .WithSummary("The device's certificates, newest first.")
            .Produces<List<CertificateResponse>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequirePermission(Permission.ReadInventory);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDeviceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DeviceQuery? query = InventoryQueries.Devices(http.Request.Query, time.GetUtcNow(), errors);
        if (query is null)
        {
            return Results.ValidationProblem(errors);
        }

        IReadOnlyList<DeviceListItem> items = await store.ListAsync(query, cancellationToken);
        return Results.Ok(items.Select(DeviceResponse.From));
    }

    private static async Task<IResult> GetAsync(long id, IDeviceStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } device ? Results.Ok(DeviceResponse.From(device)) : NotFound(id);

    private static async Task<IResult> CreateAsync(DeviceBody body, HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (DeviceFields.ToDevice(body, 0, now, errors) is not { } device)
        {
            return Results.ValidationProblem(errors);
        }

        AuditEvent created = http.AuditBy(now, AuditActions.DeviceCreated) with { Details = $"identity {device.Identity}" };
        try
        {
            Device stored = await store.CreateAsync(device, created, cancellationToken);
            audit.Committed(created with { Target = "device:" + stored.Id });
            return Results.Created($"{AdminApi.Prefix}/devices/{stored.Id}", DeviceResponse.From(stored));
        }
        catch (DuplicateDeviceException ex)
        {
            return Duplicate(ex);
        }
    }

    private static async Task<IResult> ReplaceAsync(long id, DeviceBody body, HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        Device? existing = await store.FindAsync(id, cancellationToken);
        return existing is null ? NotFound(id) : await SaveAsync(existing, body, http, store, audit, time, cancellationToken);
    }

    /// <summary>JSON merge patch (RFC 7396): members present replace the stored value, null clears it.</summary>
    private static async Task<IResult> PatchAsync(long id, HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        Device? existing = await store.FindAsync(id, cancellationToken);
        if (existing is null)
        {
            return NotFound(id);
        }

        JsonObject? patch;
        try
        {
            patch = await JsonSerializer.DeserializeAsync<JsonNode>(http.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
            patch = null;
        }

        if (patch is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body must be a JSON object.");
        }

        JsonObject merged = JsonSerializer.SerializeToNode(ToBody(existing), JsonSerializerOptions.Web)!.AsObject();
        foreach ((string name, JsonNode? value) in patch)
        {
            string key = merged.Select(p => p.Key).FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? name;
            merged[key] = value?.DeepClone();
        }

        DeviceBody? body;
        try
        {
            body = merged.Deserialize<DeviceBody>(JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The patch does not fit a device.", detail: ex.Message);
        }

        return await SaveAsync(existing, body!, http, store, audit, time, cancellationToken);
    }

    private static async Task<IResult> SaveAsync(Device existing, DeviceBody body, HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        // Without an identity in the body the device keeps its own; renaming it must not move it to another key.
        body = body with { Identity = body.Identity ?? ToBody(existing).Identity };
        if (DeviceFields.ToDevice(body, existing.Id, now, errors) is not { } device)
        {
            return Results.ValidationProblem(errors);
        }

        AuditEvent changed = http.AuditBy(now, AuditActions.DeviceChanged) with { Details = "fields: " + Changes(existing, device) };
        try
        {
            Device? stored = await store.UpdateAsync(device with { CreatedAt = existing.CreatedAt }, changed, cancellationToken);
            if (stored is null)
            {
                return NotFound(existing.Id);
            }

            audit.Committed(changed with { Target = "device:" + stored.Id });
            return Results.Ok(DeviceResponse.From(stored));
        }
        catch (DuplicateDeviceException ex)
        {
            return Duplicate(ex);
        }
    }

    private static async Task<IResult> DeleteAsync(long id, HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        AuditEvent deleted = http.AuditBy(time.GetUtcNow(), AuditActions.DeviceDeleted);
        if (!await store.DeleteAsync(id, deleted, cancellationToken))
        {
            return NotFound(id);
        }

        audit.Committed(deleted with { Target = "device:" + id });
        return Results.NoContent();
    }

    private static async Task<IResult> CertificatesAsync(long id, IDeviceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        DateTimeOffset now = time.GetUtcNow();
        var certificates = await store.ListCertificatesAsync(id, cancellationToken);
        return Results.Ok(certificates.Select(c => CertificateResponse.From(c, now)));
    }

    private static DeviceBody ToBody(Device d) => new(
        new DeviceIdentityBody(DeviceFields.KindName(d.Identity.Kind), d.Identity.Key),
        d.Name, d.Manufacturer, d.Model, d.SerialNumber, d.MacAddress, d.IpAddress, d.Location, d.Owner, d.AssetTag, d.Notes);

    /// <summary>The names of the fields that differ, for the audit trail (values may be personal data; names suffice).</summary>
    private static string Changes(Device before, Device after)
    {
        var names = new List<string>();
        void Compare(string name, object? a, object? b)
        {
            if (!Equals(a, b))
            {
                names.Add(name);
            }
        }

        Compare("identity", before.Identity, after.Identity);
        Compare("name", before.Name, after.Name);
        Compare("manufacturer", before.Manufacturer, after.Manufacturer);
        Compare("model", before.Model, after.Model);
        Compare("serialNumber", before.SerialNumber, after.SerialNumber);
        Compare("macAddress", before.MacAddress, after.MacAddress);
        Compare("ipAddress", before.IpAddress, after.IpAddress);
        Compare("location", before.Location, after.Location);
        Compare("owner", before.Owner, after.Owner);
        Compare("assetTag", before.AssetTag, after.AssetTag);
        Compare("notes", before.Notes, after.Notes);
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static IResult NotFound(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such device.", detail: $"There is no device {id}.");

    private static IResult Duplicate(DuplicateDeviceException ex) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another device has this identity.", detail: ex.Message);
}
