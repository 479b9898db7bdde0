using System.Text.Json.Serialization;
using CertBroker.Core.Renewal;

namespace CertBroker.Server.Webhooks;

/// <summary>One event as the webhook receiver sees it; timestamps are RFC 3339 UTC.</summary>
internal sealed record WebhookEvent(
    string Type,
    DateTimeOffset Time,
    string Serial,
    string Profile,
    string Subject,
    long? DeviceId,
    DateTimeOffset NotAfter,
    DateTimeOffset? RenewalDueAt,
    int? ThresholdDays)
{
    public static WebhookEvent From(RenewalEvent e) => new(
        e.Type, e.Time, e.Certificate.Serial, e.Certificate.Profile, e.Certificate.Subject, e.Certificate.DeviceId,
        e.Certificate.NotAfter, e.Certificate.RenewalDueAt, e.Certificate.ThresholdDays);
}

/// <summary>The body of one POST: a batch of events from one sweep step.</summary>
internal sealed record WebhookPayload(IReadOnlyList<WebhookEvent> Events);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJson : JsonSerializerContext;
