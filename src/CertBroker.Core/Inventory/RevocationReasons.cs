namespace CertBroker.Core.Inventory;

/// <summary>RFC 5280 §5.3.1 CRLReason names as the API takes them.</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, int> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = 0,
        ["keyCompromise"] = 1,
        ["cACompromise"] = 2,
        ["affiliationChanged"] = 3,
        ["superseded"] = 4,
        ["cessationOfOperation"] = 5,
        ["certificateHold"] = 6,
        ["privilegeWithdrawn"] = 9,
        ["aACompromise"] = 10,
    };

    /// <summary>The names accepted, in code order (removeFromCRL is for delta CRLs only, so it is not offered).</summary>
    public static IEnumerable<string> Names => Codes.OrderBy(c => c.Value).Select(c => c.Key);

    public static bool TryParse(string? name, out int code)
    {
        code = 0;
        return name is not null && Codes.TryGetValue(name, out code);
    }

    public static string NameOf(int code) => Codes.FirstOrDefault(c => c.Value == code).Key ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
