using System.CommandLine;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker audit export</c>: the audit trail as CSV from the running broker's admin API (see
/// <see cref="AdminApiConnection"/>), to a file or standard output. The export is itself audited.
/// </summary>
internal static class AuditCommand
{
    /// <param name="handler">Sends the HTTP requests; a plain socket handler when null (tests pass the test server's).</param>
    /// <param name="output">Where the CSV goes without <c>--output</c>; standard output when null.</param>
    public static Command Create(HttpMessageHandler? handler = null, TextWriter? output = null)
    {
        var command = new Command("audit", "Read the audit trail.");
        command.Subcommands.Add(Export(handler, output));
        return command;
    }

    private static Command Export(HttpMessageHandler? handler, TextWriter? output)
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "Events at or after this time (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Events before this time (ISO 8601)." };
        var action = new Option<string?>("--action") { Description = "An action, or a prefix ending in '.' (auth., account., request.)." };
        var actor = new Option<string?>("--actor") { Description = "Only events by this actor (user name, token:NAME, system, device)." };
        var file = new Option<FileInfo?>("--output", "-o") { Description = "Write the CSV to this file instead of standard output." };
        var command = new Command("export", "Export the audit trail as CSV (RFC 4180), oldest first.") { from, to, action, actor, file };
        AdminApiConnection.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }

            Add("from", parse.GetValue(from)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            Add("to", parse.GetValue(to)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            Add("action", parse.GetValue(action));
            Add("actor", parse.GetValue(actor));
            string path = "api/v1/audit/export" + (query.Count == 0 ? "" : "?" + string.Join('&', query));

            using AdminApiConnection connection = AdminApiConnection.Create(parse, handler);
            string csv = await connection.GetTextAsync(path, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(file) is { } target)
            {
                await File.WriteAllTextAsync(target.FullName, csv, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await (output ?? Console.Out).WriteAsync(csv).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
