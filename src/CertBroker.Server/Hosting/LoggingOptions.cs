namespace CertBroker.Server.Hosting;

/// <summary><c>CertBroker:Logging</c>: how the console log reads. The file log under the data directory is always JSON.</summary>
public sealed class LoggingOptions
{
    public const string SectionName = "CertBroker:Logging";

    /// <summary>
    /// <see cref="ConsoleLogFormat.Text"/> (default): one readable line per event, coloured on a terminal;
    /// <see cref="ConsoleLogFormat.Json"/>: the file log's JSON lines, for containers whose runtime collects stdout;
    /// <see cref="ConsoleLogFormat.Off"/>: nothing.
    /// </summary>
    public ConsoleLogFormat ConsoleFormat { get; set; } = ConsoleLogFormat.Text;
}
