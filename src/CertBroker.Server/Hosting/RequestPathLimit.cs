using Serilog.Core;
using Serilog.Events;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Shortens the <c>RequestPath</c> of every log event to <see cref="MaxLength"/> characters: the path is the caller's
/// text, and a request line may be 320 KiB long (GET PKIOperation), so an anonymous caller could otherwise write
/// that much into the log with each request.
/// </summary>
internal sealed class RequestPathLimit : ILogEventEnricher
{
    public const int MaxLength = 256;

    private const string Property = "RequestPath";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(Property, out LogEventPropertyValue? value)
            && value is ScalarValue { Value: string path } && path.Length > MaxLength)
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty(Property, new ScalarValue($"{path[..MaxLength]}… ({path.Length} characters)")));
        }
    }
}
