using System.Globalization;
using CertBroker.Core.Inventory;

namespace CertBroker.Server.Admin;

/// <summary>
/// The query parameters of the inventory lists: <c>profile</c>, <c>state</c>, <c>expiresWithinDays</c>, <c>q</c>,
/// <c>limit</c> (1–1000, default 100) and <c>offset</c>. Bad values are reported under their parameter name.
/// </summary>
internal static class InventoryQueries
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static DeviceQuery? Devices(IQueryCollection query, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        DeviceState? state = State<DeviceState>(query, errors, "Use valid, expiring, expired, revoked or none.");
        (int limit, int offset, int? days) = Paging(query, errors);
        return errors.Count > 0 ? null : new DeviceQuery
        {
            Profile = Text(query, "profile"),
            State = state,
            ExpiresWithinDays = days,
            Text = Text(query, "q"),
            Now = now,
            Limit = limit,
            Offset = offset,
        };
    }

    public static CertificateQuery? Certificates(IQueryCollection query, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        CertificateState? state = State<CertificateState>(query, errors, "Use valid, expired or revoked.");
        (int limit, int offset, int? days) = Paging(query, errors);
        return errors.Count > 0 ? null : new CertificateQuery
        {
            Profile = Text(query, "profile"),
            State = state,
            ExpiresWithinDays = days,
            Text = Text(query, "q"),
            Now = now,
            Limit = limit,
            Offset = offset,
        };
    }

    /// <summary>The <c>state</c> parameter by name (case-insensitive; numbers are refused), or null when absent.</summary>
    private static TState? State<TState>(IQueryCollection query, Dictionary<string, string[]> errors, string hint)
        where TState : struct, Enum
    {
        if (Text(query, "state") is not { } text)
        {
            return null;
        }

        if (Enum.TryParse(text, ignoreCase: true, out TState parsed) && !int.TryParse(text, out _))
        {
            return parsed;
        }

        errors["state"] = [hint];
        return null;
    }

    private static (int Limit, int Offset, int? Days) Paging(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        int limit = Number(query, "limit", 1, MaxLimit, errors) ?? DefaultLimit;
        int offset = Number(query, "offset", 0, int.MaxValue, errors) ?? 0;
        int? days = Number(query, "expiresWithinDays", 0, 36_500, errors);
        return (limit, offset, days);
    }

    private static int? Number(IQueryCollection query, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        errors[name] = [$"A whole number from {min} to {max}."];
        return null;
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString().Trim() : null;
}
