namespace CertBroker.Core.Reports;

/// <summary>The names the API, CSV and metrics use for <see cref="ExpiryState"/>.</summary>
public static class ExpiryStates
{
    private static readonly string[] Names = ["valid", "renewal_due", "expiring", "expired", "revoked", "superseded"];

    public static IReadOnlyList<ExpiryState> All { get; } = Enum.GetValues<ExpiryState>();

    public static string NameOf(ExpiryState state) => Names[(int)state];

    /// <summary>Accepts the names above, also with a hyphen or in camel case (<c>renewal-due</c>, <c>renewalDue</c>).</summary>
    public static bool TryParse(string? text, out ExpiryState state)
    {
        string normalized = (text ?? "").Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        int index = Array.FindIndex(Names, name => name.Replace("_", "", StringComparison.Ordinal).Equals(normalized, StringComparison.OrdinalIgnoreCase));
        state = index < 0 ? default : (ExpiryState)index;
        return index >= 0;
    }
}
