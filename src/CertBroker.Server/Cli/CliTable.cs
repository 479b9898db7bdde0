namespace CertBroker.Server.Cli;

/// <summary>Left-aligned columns separated by two spaces, the header first, for command output in a terminal.</summary>
internal static class CliTable
{
    /// <param name="rows">The header row, then the data rows.</param>
    /// <param name="empty">What to print instead when there are no data rows.</param>
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string[]> rows, string empty)
    {
        if (rows.Count <= 1)
        {
            await writer.WriteLineAsync(empty).ConfigureAwait(false);
            return;
        }

        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length))];
        foreach (string[] row in rows)
        {
            await writer.WriteLineAsync(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()).ConfigureAwait(false);
        }
    }
}
