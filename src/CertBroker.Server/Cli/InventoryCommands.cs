using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker devices list|show|export|import</c> and <c>certbroker certificates list|revoke|import</c>, through the
/// admin API of a running broker (see <see cref="AdminApiConnection"/>). <paramref name="handler"/> replaces the HTTP
/// stack, for tests against an in-process broker.
/// </summary>
internal sealed class InventoryCommands(TextWriter output, HttpMessageHandler? handler = null)
{
    private readonly Option<string?> ProfileOption = new("--profile") { Description = "Only this enrolment profile." };
    private readonly Option<string?> StateOption = new("--state") { Description = "Only this state (devices: valid, expiring, expired, revoked, none; certificates: valid, expired, revoked)." };
    private readonly Option<int?> ExpiresOption = new("--expires-within-days") { Description = "Only certificates still valid that end within this many days." };
    private readonly Option<string?> SearchOption = new("--search", "-q") { Description = "Text to look for (name, CN, serial, MAC, IP, location, owner; subject, serial, SAN)." };
    private readonly Option<int?> LimitOption = new("--limit") { Description = "At most this many rows (default 100, up to 1000)." };
    private readonly Option<int?> OffsetOption = new("--offset") { Description = "Skip this many rows." };
    private readonly Option<bool> JsonOption = new("--json") { Description = "Print the API's JSON instead of a table." };

    private TextWriter Output => output;

    /// <summary>The commands as the executable runs them: output to the console, the broker over HTTP.</summary>
    public static InventoryCommands ForConsole() => new(Console.Out);

    public Command Devices()
    {
        var list = Filtered(new Command("list", "List devices, with the state of their newest certificate."));
        list.Options.Add(JsonOption);
        list.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            JsonElement? devices = await api.SendAsync(HttpMethod.Get, "api/v1/devices" + Query(parse), null, ct);
            if (parse.GetValue(JsonOption))
            {
                WriteJson(devices);
                return;
            }

            WriteTable(devices, ["ID", "NAME", "IDENTITY", "STATE", "NOT AFTER", "IP", "LOCATION"], d =>
            [
                Text(d, "id"), Text(d, "name"), $"{Text(d.GetProperty("identity"), "kind")}:{Text(d.GetProperty("identity"), "value")}",
                Text(d, "state"), Date(d, "certificateNotAfter"), Text(d, "ipAddress"), Text(d, "location"),
            ]);
        }));

        var id = new Argument<long>("id") { Description = "The device's ID." };
        var show = new Command("show", "Show a device and its certificate history.") { id };
        AdminApiConnection.AddOptions(show);
        show.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            long device = parse.GetValue(id);
            WriteJson(await api.SendAsync(HttpMethod.Get, $"api/v1/devices/{device}", null, ct));
            Output.WriteLine("Certificates:");
            WriteTable(await api.SendAsync(HttpMethod.Get, $"api/v1/devices/{device}/certificates", null, ct),
                ["SERIAL", "STATE", "NOT AFTER", "SUBJECT"], c => [Text(c, "serial"), Text(c, "state"), Date(c, "notAfter"), Text(c, "subject")]);
        }));

        var file = new Option<FileInfo?>("--output", "-o") { Description = "Write the CSV here instead of to standard output." };
        var export = Filtered(new Command("export", "Export devices as CSV (filters apply; paging does not)."));
        export.Options.Add(file);
        export.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            string csv = await api.GetTextAsync("api/v1/devices/export" + Query(parse), ct);
            if (parse.GetValue(file) is { } output)
            {
                await File.WriteAllTextAsync(output.FullName, csv, new UTF8Encoding(false), ct);
            }
            else
            {
                Output.Write(csv);
            }
        }));

        var input = new Argument<FileInfo>("file") { Description = "CSV with a header line: name, manufacturer, model, serial_number, mac_address, ip_address, location, owner, asset_tag, notes." };
        var import = new Command("import", "Create or update devices from CSV, matched by identity; all rows or none.") { input };
        AdminApiConnection.AddOptions(import);
        import.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            string csv = await File.ReadAllTextAsync(parse.GetValue(input)!.FullName, ct);
            JsonElement? result = await api.SendTextAsync(HttpMethod.Post, "api/v1/devices/import", csv, "text/csv", ct);
            Output.WriteLine($"{Text(result!.Value, "created")} created, {Text(result.Value, "updated")} updated.");
        }));

        return new Command("devices", "The device inventory.") { list, show, export, import };
    }

    public Command Certificates()
    {
        var list = Filtered(new Command("list", "List issued certificates, newest first."));
        list.Options.Add(JsonOption);
        list.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            JsonElement? certificates = await api.SendAsync(HttpMethod.Get, "api/v1/certificates" + Query(parse), null, ct);
            if (parse.GetValue(JsonOption))
            {
                WriteJson(certificates);
                return;
            }

            WriteTable(certificates, ["SERIAL", "PROFILE", "STATE", "NOT AFTER", "DEVICE", "SUBJECT"], c =>
                [Text(c, "serial"), Text(c, "profile"), Text(c, "state"), Date(c, "notAfter"), Text(c, "deviceId"), Text(c, "subject")]);
        }));

        var serial = new Argument<string>("serial") { Description = "The certificate's serial number in hex." };
        var reason = new Option<string>("--reason") { Description = "RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn…", DefaultValueFactory = _ => "unspecified" };
        var revoke = new Command("revoke", "Revoke a certificate; the CRL is signed again at once.") { serial, reason };
        AdminApiConnection.AddOptions(revoke);
        revoke.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            JsonElement? revoked = await api.SendAsync(
                HttpMethod.Post, $"api/v1/certificates/{Uri.EscapeDataString(parse.GetValue(serial)!)}/revoke", new { reason = parse.GetValue(reason) }, ct);
            Output.WriteLine($"Revoked {Text(revoked!.Value, "serial")} ({Text(revoked.Value, "revocationReason")}).");
        }));

        return new Command("certificates", "Issued and imported certificates.") { list, revoke, Import() };
    }

    /// <summary>File extensions a folder import picks up.</summary>
    public static readonly string[] ImportExtensions = [".pem", ".crt", ".cer", ".der", ".p7b", ".p7c"];

    private Command Import()
    {
        var path = new Argument<string>("path") { Description = "A certificate file (PEM, DER or PKCS#7), or a folder of them (" + string.Join(", ", ImportExtensions) + ")." };
        var profile = new Option<string?>("--profile") { Description = "The profile whose device rules match the certificates to devices (default: default)." };
        var import = new Command("import", "Import certificates issued elsewhere into the inventory; they are checked by the weak-crypto rules. Importing again changes nothing.") { path, profile };
        AdminApiConnection.AddOptions(import);
        import.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            string target = parse.GetValue(path)!;
            IEnumerable<string> files = Directory.Exists(target)
                ? Directory.EnumerateFiles(target).Where(f => ImportExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
                : File.Exists(target) ? [target] : throw new CommandFailedException($"No file or folder {target}.");
            string query = parse.GetValue(profile) is { } name ? "?profile=" + Uri.EscapeDataString(name) : "";
            int failed = 0;
            foreach (string file in files)
            {
                try
                {
                    JsonElement? result = await api.SendBytesAsync(HttpMethod.Post, "api/v1/certificates/import" + query, await File.ReadAllBytesAsync(file, ct), "application/octet-stream", ct);
                    Output.WriteLine($"{Path.GetFileName(file)}: {Text(result!.Value, "imported")} imported, {Text(result.Value, "alreadyPresent")} already present.");
                    foreach (JsonElement certificate in result.Value.GetProperty("certificates").EnumerateArray())
                    {
                        foreach (JsonElement finding in certificate.GetProperty("findings").EnumerateArray())
                        {
                            Output.WriteLine($"  {Text(certificate, "serial")}  {Text(finding, "ruleId")} {Text(finding, "severity").ToUpperInvariant()}: {Text(finding, "message")}");
                        }
                    }
                }
                catch (CommandFailedException ex)
                {
                    failed++;
                    Output.WriteLine($"{Path.GetFileName(file)}: {ex.Message}");
                }
            }

            if (failed > 0)
            {
                throw new CommandFailedException($"{failed} file(s) could not be imported.");
            }
        }));
        return import;
    }

    private Command Filtered(Command command)
    {
        command.Options.Add(ProfileOption);
        command.Options.Add(StateOption);
        command.Options.Add(ExpiresOption);
        command.Options.Add(SearchOption);
        command.Options.Add(LimitOption);
        command.Options.Add(OffsetOption);
        AdminApiConnection.AddOptions(command);
        return command;
    }

    /// <summary>The filters and paging given on the command line, as the API's query string (exports ignore paging).</summary>
    private string Query(ParseResult parse)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!)}");
            }
        }

        Add("profile", parse.GetValue(ProfileOption));
        Add("state", parse.GetValue(StateOption));
        Add("expiresWithinDays", parse.GetValue(ExpiresOption));
        Add("q", parse.GetValue(SearchOption));
        Add("limit", parse.GetValue(LimitOption));
        Add("offset", parse.GetValue(OffsetOption));

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private async Task<int> RunAsync(ParseResult parse, Func<AdminApiConnection, Task> run)
    {
        using AdminApiConnection api = AdminApiConnection.Create(parse, handler);
        await run(api);
        return 0;
    }

    private void WriteJson(JsonElement? json) =>
        Output.WriteLine(json is null ? "" : JsonSerializer.Serialize(json.Value, AdminApiConnection.JsonOptions));

    /// <summary>A plain table with columns as wide as their widest cell, for terminals and <c>grep</c>.</summary>
    private void WriteTable(JsonElement? rows, string[] header, Func<JsonElement, string[]> cells)
    {
        var table = new List<string[]> { header };
        if (rows is { ValueKind: JsonValueKind.Array } array)
        {
            table.AddRange(array.EnumerateArray().Select(cells));
        }

        int[] widths = header.Select((_, i) => table.Max(r => r[i].Length)).ToArray();
        foreach (string[] row in table)
        {
            Output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "-";

    private static string Date(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out DateTimeOffset date)
            ? date.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : "-";
}
