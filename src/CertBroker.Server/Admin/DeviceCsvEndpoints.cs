using System.Globalization;
using System.Text;
using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Server.Admin;

/// <summary>
/// CSV export and import of the device inventory, with the columns fleet tools use for MFDs. Import is all or
/// nothing: any bad row refuses the file, with every row's problems listed in the problem details' <c>rows</c>.
/// </summary>
internal static class DeviceCsvEndpoints
{
    /// <summary>Largest import accepted, in bytes.</summary>
    public const int MaxImportBytes = 5 * 1024 * 1024;

    private const int MaxExportRows = 1_000_000;

    public static readonly string[] Columns =
    [
        "name", "manufacturer", "model", "serial_number", "mac_address", "ip_address", "location", "owner", "asset_tag", "notes",
        "identity_kind", "identity", "state", "certificate_serial", "certificate_not_after", "first_seen", "last_seen", "last_profile", "id",
    ];

    // Header spellings other tools export, mapped to ours.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serial"] = "serial_number",
        ["serialnumber"] = "serial_number",
        ["serial number"] = "serial_number",
        ["mac"] = "mac_address",
        ["macaddress"] = "mac_address",
        ["mac address"] = "mac_address",
        ["ip"] = "ip_address",
        ["ipaddress"] = "ip_address",
        ["ip address"] = "ip_address",
        ["asset tag"] = "asset_tag",
        ["assettag"] = "asset_tag",
        ["group"] = "owner",
        ["device name"] = "name",
        ["hostname"] = "name",
    };

    public static async Task<IResult> ExportAsync(HttpContext http, IDeviceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset now = time.GetUtcNow();
        DeviceQuery? query = InventoryQueries.Devices(http.Request.Query, now, errors);
        if (query is null)
        {
            return Results.ValidationProblem(errors);
        }

        // Filters apply, paging does not: an export is the whole selection.
        IReadOnlyList<DeviceListItem> items = await store.ListAsync(query with { Limit = MaxExportRows, Offset = 0 }, cancellationToken);
        var csv = new StringBuilder();
        Csv.WriteRecord(csv, Columns);
        foreach (DeviceListItem item in items)
        {
            Device d = item.Device;
            Csv.WriteRecord(csv,
            [
                d.Name, d.Manufacturer, d.Model, d.SerialNumber, d.MacAddress, d.IpAddress, d.Location, d.Owner, d.AssetTag, d.Notes,
                DeviceFields.KindName(d.Identity.Kind), d.Identity.Key, DeviceFields.StateName(item.State), item.CertificateSerial,
                Time(item.CertificateNotAfter), Time(d.FirstSeen), Time(d.LastSeen), d.LastProfile, d.Id.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        return Results.Text(csv.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> ImportAsync(HttpContext http, IDeviceStore store, AuditRecorder audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxImportBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"Imports are limited to {MaxImportBytes} bytes.");
        }

        string text;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
        {
            char[] buffer = new char[MaxImportBytes + 1];
            int read = await reader.ReadBlockAsync(buffer, cancellationToken);
            if (read > MaxImportBytes)
            {
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"Imports are limited to {MaxImportBytes} bytes.");
            }

            text = new string(buffer, 0, read);
        }

        List<string[]> records;
        try
        {
            records = Csv.Read(text);
        }
        catch (FormatException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The file is not valid CSV.", detail: ex.Message);
        }

        if (records.Count == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The file is empty; the first line must name the columns.");
        }

        string[] header = records[0].Select(h => Aliases.TryGetValue(h.Trim(), out string? c) ? c : h.Trim().ToLowerInvariant()).ToArray();
        DateTimeOffset now = time.GetUtcNow();
        var devices = new List<Device>();
        var rowErrors = new List<object>();
        var seen = new Dictionary<DeviceIdentity, int>();
        for (int i = 1; i < records.Count; i++)
        {
            int line = i + 1;
            string? Field(string name)
            {
                int index = Array.IndexOf(header, name);
                return index >= 0 && index < records[i].Length && records[i][index].Length > 0 ? records[i][index] : null;
            }

            string? kind = Field("identity_kind");
            string? identity = Field("identity");
            var body = new DeviceBody(
                kind is null && identity is null ? null : new DeviceIdentityBody(kind, identity),
                Field("name"), Field("manufacturer"), Field("model"), Field("serial_number"), Field("mac_address"), Field("ip_address"),
                Field("location"), Field("owner"), Field("asset_tag"), Field("notes"));
            var errors = new Dictionary<string, string[]>();
            Device? device = DeviceFields.ToDevice(body, 0, now, errors);
            if (device is not null && seen.TryGetValue(device.Identity, out int firstLine))
            {
                errors["identity"] = [$"Line {firstLine} already names device {device.Identity}."];
            }

            if (errors.Count > 0)
            {
                rowErrors.Add(new { line, errors });
                continue;
            }

            seen[device!.Identity] = line;
            devices.Add(device);
        }

        if (rowErrors.Count > 0)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Some rows are not valid; nothing was imported.",
                detail: $"{rowErrors.Count} of {records.Count - 1} rows have problems.",
                extensions: new Dictionary<string, object?> { ["rows"] = rowErrors });
        }

        AuditEvent imported = http.AuditBy(now, AuditActions.DevicesImported);
        DeviceImportResult result = await store.ImportAsync(devices, imported, cancellationToken);
        audit.Committed(imported with { Details = $"{result.Created} created, {result.Updated} updated." });
        return Results.Ok(new { created = result.Created, updated = result.Updated });
    }

    private static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
