namespace CertBroker.Server.Hosting;

/// <summary>What the broker writes to the console.</summary>
public enum ConsoleLogFormat
{
    /// <summary>Serilog's text template: time, level, message, and the exception when there is one.</summary>
    Text,

    /// <summary>One JSON object per line, as in the file log.</summary>
    Json,

    /// <summary>Nothing on the console: the file log only (a host whose stdout goes nowhere, or an in-process test).</summary>
    Off,
}
