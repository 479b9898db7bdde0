using System.Globalization;
using System.Text.RegularExpressions;

namespace CertBroker.Core.Renewal;

/// <summary>
/// The details text of a lifecycle audit event. An expiry alert's text is also where its threshold is kept, so a
/// reader of the audit trail (the webhook) reports the threshold that fired, even after a later one has fired too.
/// </summary>
public static partial class RenewalEventText
{
    public static string Describe(RenewalTransition t, string action)
    {
        ArgumentNullException.ThrowIfNull(t);
        return action switch
        {
            RenewalEventTypes.RenewalDue => $"Certificate {t.Serial} for {t.Subject} is due for renewal since {t.RenewalDueAt:u}; expires {t.NotAfter:u}.",
            RenewalEventTypes.RenewalOverdue => $"Certificate {t.Serial} for {t.Subject} was due for renewal at {t.RenewalDueAt:u} and has not been renewed; expires {t.NotAfter:u}.",
            RenewalEventTypes.Expired => $"Certificate {t.Serial} for {t.Subject} expired at {t.NotAfter:u} without a renewal.",
            _ => $"Certificate {t.Serial} for {t.Subject} expires within {t.ThresholdDays} days, at {t.NotAfter:u}.",
        };
    }

    /// <summary>The threshold an expiry alert's <see cref="Describe"/> text names, or null when it names none.</summary>
    /// <remarks>Read from the end of the text, so a subject that happens to contain the same words does not count.</remarks>
    public static int? AlertThreshold(string? details)
    {
        if (details is null)
        {
            return null;
        }

        Match match = AlertTail().Match(details);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int days)
            ? days
            : null;
    }

    [GeneratedRegex(@" expires within ([0-9]{1,4}) days, at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z\.\z", RegexOptions.CultureInvariant)]
    private static partial Regex AlertTail();
}
