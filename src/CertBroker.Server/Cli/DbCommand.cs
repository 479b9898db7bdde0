using System.CommandLine;
using CertBroker.Storage.Copy;

namespace CertBroker.Server.Cli;

/// <summary>
/// <c>certbroker db copy --from sqlite:PATH --to postgres:CONNECTION-STRING</c>: moves a broker's SQLite database into
/// PostgreSQL (see <see cref="StoreCopy"/>). Prints rows and checksums per table on both sides; exits 1 when any
/// table differs. Works on the files directly, not through a running broker: stop the broker first.
/// </summary>
internal static class DbCommand
{
    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";

    /// <param name="output">Where the report goes; standard output when null.</param>
    public static Command Create(TextWriter? output = null)
    {
        var command = new Command("db", "Work on the broker's database files directly.");
        command.Subcommands.Add(Copy(output));
        return command;
    }

    private static Command Copy(TextWriter? output)
    {
        var from = new Option<string>("--from") { Description = "The source: sqlite:PATH of a stopped broker's database file.", Required = true };
        var to = new Option<string>("--to")
        {
            Description = "The target: postgres:CONNECTION-STRING (Npgsql syntax); migrated first. Give the password with PGPASSWORD or a passfile.",
            Required = true,
        };
        var command = new Command("copy", "Copy every store table from SQLite into PostgreSQL, keeping IDs; running it again copies nothing new.") { from, to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string source = Strip(parse.GetValue(from)!, SqlitePrefix, "--from");
            string target = Strip(parse.GetValue(to)!, PostgresPrefix, "--to");
            TextWriter writer = output ?? Console.Out;
            StoreCopyResult result;
            try
            {
                result = await new StoreCopy(source, target).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StoreCopyException or Storage.Migrations.SchemaTooNewException or Npgsql.NpgsqlException or ArgumentException)
            {
                throw new CommandFailedException($"db copy: {ex.Message}");
            }

            await ReportAsync(writer, result).ConfigureAwait(false);
            return result.Matches ? 0 : 1;
        });
        return command;
    }

    internal static async Task ReportAsync(TextWriter writer, StoreCopyResult result)
    {
        var rows = new List<string[]> { new[] { "TABLE", "COPIED", "SOURCE ROWS", "TARGET ROWS", "CHECKSUM", "MATCH" } };
        rows.AddRange(result.Tables.Select(t => new[]
        {
            t.Table,
            t.Copied.ToString(System.Globalization.CultureInfo.InvariantCulture),
            t.SourceRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            t.TargetRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            t.SourceChecksum == t.TargetChecksum ? t.SourceChecksum[..16] : $"{t.SourceChecksum[..16]}≠{t.TargetChecksum[..16]}",
            t.Matches ? "yes" : "NO",
        }));
        await CliTable.WriteAsync(writer, rows, "No tables to copy.").ConfigureAwait(false);
        foreach (string note in result.Notes)
        {
            await writer.WriteLineAsync($"note: {note}").ConfigureAwait(false);
        }

        await writer.WriteLineAsync(result.Matches ? "Every table matches." : "Some tables differ: see the rows marked NO.").ConfigureAwait(false);
    }

    private static string Strip(string value, string prefix, string option) =>
        value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value.Length > prefix.Length
            ? value[prefix.Length..]
            // The value is not repeated: a connection string may hold a password.
            : throw new CommandFailedException($"{option} must start with {prefix}");
}
