using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker requests list|show|approve|reject</c>: the approval queue from a shell, through the running broker's
/// admin API (see <see cref="AdminApiConnection"/> for <c>--server</c>, <c>--token</c> and <c>--user</c>).
/// </summary>
internal static class RequestsCommand
{
    // For a terminal: a base64 transactionID's '+' stays '+' rather than \u002B.
    private static readonly JsonSerializerOptions Printed = new(AdminApiConnection.JsonOptions) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="handler">Sends the HTTP requests; a plain socket handler when null (tests pass the test server's).</param>
    /// <param name="output">Where results go; standard output when null.</param>
    public static Command Create(HttpMessageHandler? handler = null, TextWriter? output = null)
    {
        var command = new Command("requests", "List, show, approve and reject requests waiting in the approval queue.");
        command.Subcommands.Add(List(handler, output));
        command.Subcommands.Add(Show(handler, output));
        command.Subcommands.Add(Approve(handler, output));
        command.Subcommands.Add(Reject(handler, output));
        return command;
    }

    private static Command List(HttpMessageHandler? handler, TextWriter? output)
    {
        var status = new Option<string>("--status") { Description = "pending (default), issued, rejected, expired or all.", DefaultValueFactory = _ => "pending" };
        var profile = new Option<string?>("--profile") { Description = "Only this profile's requests." };
        var text = new Option<string?>("--search", "-q") { Description = "Text in the subject, SANs, transactionID or requester address." };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of a table." };
        var command = new Command("list", "List queued requests.") { status, profile, text, json };
        AdminApiConnection.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string query = $"api/v1/requests?status={Uri.EscapeDataString(parse.GetValue(status)!)}"
                + (parse.GetValue(profile) is { } p ? $"&profile={Uri.EscapeDataString(p)}" : "")
                + (parse.GetValue(text) is { } q ? $"&q={Uri.EscapeDataString(q)}" : "");
            using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
            JsonElement? requests = await connection.SendAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
            TextWriter writer = output ?? Console.Out;
            if (parse.GetValue(json))
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(requests, Printed)).ConfigureAwait(false);
            }
            else
            {
                await WriteTableAsync(writer, requests).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static Command Show(HttpMessageHandler? handler, TextWriter? output)
    {
        var id = new Argument<long>("id") { Description = "The request's ID, as listed." };
        var command = new Command("show", "Show everything recorded about one request, as JSON.") { id };
        AdminApiConnection.AddOptions(command);
        command.SetAction((parse, cancellationToken) => PrintAsync(parse, handler, output, HttpMethod.Get, $"api/v1/requests/{parse.GetValue(id)}", null, cancellationToken));
        return command;
    }

    private static Command Approve(HttpMessageHandler? handler, TextWriter? output)
    {
        var id = new Argument<long>("id") { Description = "The request's ID." };
        var command = new Command("approve", "Approve a pending request: the certificate is issued now and the device collects it on its next poll.") { id };
        AdminApiConnection.AddOptions(command);
        command.SetAction((parse, cancellationToken) => PrintAsync(parse, handler, output, HttpMethod.Post, $"api/v1/requests/{parse.GetValue(id)}/approve", null, cancellationToken));
        return command;
    }

    private static Command Reject(HttpMessageHandler? handler, TextWriter? output)
    {
        var id = new Argument<long>("id") { Description = "The request's ID." };
        var reason = new Option<string>("--reason") { Description = "Why; kept with the request and in the audit trail.", Required = true };
        var command = new Command("reject", "Reject a pending request: the device gets FAILURE on its next poll.") { id, reason };
        AdminApiConnection.AddOptions(command);
        command.SetAction((parse, cancellationToken) => PrintAsync(
            parse, handler, output, HttpMethod.Post, $"api/v1/requests/{parse.GetValue(id)}/reject", new { reason = parse.GetValue(reason) }, cancellationToken));
        return command;
    }

    private static async Task<int> PrintAsync(
        ParseResult parse, HttpMessageHandler? handler, TextWriter? output, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
        JsonElement? request = await connection.SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        await (output ?? Console.Out).WriteLineAsync(JsonSerializer.Serialize(request, Printed)).ConfigureAwait(false);
        return 0;
    }

    private static async Task WriteTableAsync(TextWriter writer, JsonElement? requests)
    {
        // Requests of Backend=Ndes profiles add where they stand at the upstream CA.
        bool upstream = requests?.EnumerateArray().Any(r => r.TryGetProperty("upstream", out JsonElement u) && u.ValueKind == JsonValueKind.Object) ?? false;
        string[] header = upstream
            ? ["ID", "STATUS", "PROFILE", "CREATED", "EXPIRES", "SUBJECT", "TRANSACTION", "UPSTREAM"]
            : ["ID", "STATUS", "PROFILE", "CREATED", "EXPIRES", "SUBJECT", "TRANSACTION"];
        var rows = new List<string[]> { header };
        foreach (JsonElement request in requests?.EnumerateArray() ?? default)
        {
            string[] row =
            [
                request.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
                Text(request, "status"),
                Text(request, "profile"),
                Time(request, "createdAt"),
                Time(request, "expiresAt"),
                Text(request, "subject"),
                Text(request, "transactionId"),
            ];
            rows.Add(upstream ? [.. row, Upstream(request)] : row);
        }

        if (rows.Count == 1)
        {
            await writer.WriteLineAsync("No requests.").ConfigureAwait(false);
            return;
        }

        int[] widths = [.. Enumerable.Range(0, header.Length).Select(column => rows.Max(row => row[column].Length))];
        foreach (string[] row in rows)
        {
            await writer.WriteLineAsync(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()).ConfigureAwait(false);
        }
    }

    /// <summary>"submitted", or "pending, 3 attempts: connection refused" while the upstream cannot be reached.</summary>
    private static string Upstream(JsonElement request)
    {
        if (!request.TryGetProperty("upstream", out JsonElement upstream) || upstream.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        string state = Text(upstream, "state");
        int attempts = upstream.TryGetProperty("attempts", out JsonElement count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 0;
        return attempts == 0 ? state : $"{state}, {attempts} attempts: {Text(upstream, "lastError")}";
    }

    private static string Text(JsonElement request, string name) =>
        request.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Time(JsonElement request, string name) =>
        request.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out DateTimeOffset time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)
            : "";
}
