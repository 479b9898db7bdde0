using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker tokens list|create|delete</c>: API tokens for automation, through the running broker's admin API
/// (see <see cref="AdminApiConnection"/>). <c>create</c> prints the secret, which the broker shows only once.
/// </summary>
internal static class TokensCommand
{
    /// <param name="handler">Sends the HTTP requests; a plain socket handler when null (tests pass the test server's).</param>
    /// <param name="output">Where results go; standard output when null.</param>
    public static Command Create(HttpMessageHandler? handler = null, TextWriter? output = null)
    {
        var command = new Command("tokens", "List, create and delete API tokens.");
        command.Subcommands.Add(List(handler, output));
        command.Subcommands.Add(CreateToken(handler, output));
        command.Subcommands.Add(Delete(handler, output));
        return command;
    }

    private static Command List(HttpMessageHandler? handler, TextWriter? output)
    {
        var command = new Command("list", "List API tokens: name, role, owning account, creation and expiry (never the secrets).");
        AdminApiConnection.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
            JsonElement? tokens = await connection.SendAsync(HttpMethod.Get, "api/v1/tokens", null, cancellationToken).ConfigureAwait(false);
            TextWriter writer = output ?? Console.Out;
            List<string[]> rows = [["NAME", "ROLE", "OWNER", "CREATED", "EXPIRES"]];
            foreach (JsonElement token in tokens?.EnumerateArray() ?? default)
            {
                rows.Add(
                [
                    Text(token, "name"),
                    Text(token, "role"),
                    Text(token, "owner") is { Length: > 0 } owner ? owner : "-",
                    Time(token, "createdAt"),
                    Time(token, "expiresAt") is { Length: > 0 } expires ? expires : "never",
                ]);
            }

            await CliTable.WriteAsync(writer, rows, "No tokens.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateToken(HttpMessageHandler? handler, TextWriter? output)
    {
        var name = new Argument<string>("name") { Description = "A unique name: letters, digits, '.', '_' or '-'." };
        var role = new Option<string>("--role") { Description = "Administrator, SecurityAdministrator, Auditor or Monitoring.", Required = true };
        var days = new Option<int?>("--days") { Description = "Days until the token expires; without it, it never does." };
        var command = new Command("create", "Create a token and print its secret, shown this once only.") { name, role, days };
        AdminApiConnection.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            DateTimeOffset? expiresAt = parse.GetValue(days) is int d ? DateTimeOffset.UtcNow.AddDays(d) : null;
            using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
            JsonElement? created = await connection.SendAsync(
                HttpMethod.Post, "api/v1/tokens", new { name = parse.GetValue(name), role = parse.GetValue(role), expiresAt }, cancellationToken).ConfigureAwait(false);
            TextWriter writer = output ?? Console.Out;

            // The secret alone on the first line, so scripts can take it with `head -1`.
            await writer.WriteLineAsync(Text(created!.Value, "secret")).ConfigureAwait(false);
            await writer.WriteLineAsync(
                $"Token {Text(created.Value, "name")} ({Text(created.Value, "role")}) expires {(Time(created.Value, "expiresAt") is { Length: > 0 } t ? t : "never")}. "
                + "Keep the secret now: it cannot be shown again.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Delete(HttpMessageHandler? handler, TextWriter? output)
    {
        var name = new Argument<string>("name") { Description = "The token's name." };
        var command = new Command("delete", "Delete (revoke) a token; it stops working at once.") { name };
        AdminApiConnection.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
            await connection.SendAsync(HttpMethod.Delete, $"api/v1/tokens/{Uri.EscapeDataString(parse.GetValue(name)!)}", null, cancellationToken).ConfigureAwait(false);
            await (output ?? Console.Out).WriteLineAsync($"Token {parse.GetValue(name)} deleted.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out DateTimeOffset time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)
            : "";
}
