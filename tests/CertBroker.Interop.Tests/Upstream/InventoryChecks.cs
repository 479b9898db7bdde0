using System.Diagnostics;
using System.Text.Json;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>What the front broker's inventory says about certificates the upstream issued.</summary>
public static class InventoryChecks
{
    /// <summary>
    /// Asserts the front broker's inventory (<c>GET /api/v1/certificates?q=</c>) holds exactly one certificate with
    /// the serial of <paramref name="certificateFile"/>, for <paramref name="commonName"/>, with the expiry the
    /// certificate itself carries. Returns the inventory entry.
    /// </summary>
    public static async Task<JsonElement> AssertInFrontInventoryAsync(UpstreamFixture fixture, string commonName, string certificateFile)
    {
        var facts = await OpenSsl.ReadCertificateAsync(certificateFile);
        using var certificate = OpenSsl.Load(certificateFile);
        using var admin = FrontBroker.NewAdminClient(fixture.Server);
        var listed = await admin.ListCertificatesAsync(commonName);
        var matching = listed.Where(c => SameSerial(c.GetProperty("serial").GetString(), facts.Serial)).ToList();

        Assert.True(
            matching.Count == 1,
            fixture.Evidence($"The front inventory lists {matching.Count} certificates with serial {facts.Serial} for '{commonName}': {Json(listed)}"));
        var entry = matching[0];
        Assert.Contains("CN=" + commonName, entry.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(FrontBroker.Profile, entry.GetProperty("profile").GetString());
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), entry.GetProperty("notAfter").GetDateTimeOffset());
        Assert.Equal("valid", entry.GetProperty("state").GetString());
        return entry;
    }

    /// <summary>
    /// Polls the front inventory until a certificate for <paramref name="commonName"/> shows up: the broker's polling
    /// job fetched it from the upstream. Returns its serial.
    /// </summary>
    public static async Task<string> WaitForFrontInventoryAsync(UpstreamFixture fixture, string commonName, TimeSpan timeout)
    {
        using var admin = FrontBroker.NewAdminClient(fixture.Server);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var listed = await admin.ListCertificatesAsync(commonName);
            if (listed.FirstOrDefault(c => c.GetProperty("subject").GetString()!.Contains("CN=" + commonName, StringComparison.Ordinal)) is { ValueKind: JsonValueKind.Object } found)
            {
                return found.GetProperty("serial").GetString()!;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.Fail(fixture.Evidence($"No certificate for '{commonName}' reached the front inventory within {timeout.TotalSeconds:F0} s"));
        throw new UnreachableException();
    }

    public static string Json(IEnumerable<JsonElement> elements) => "[" + string.Join(",\n", elements.Select(e => e.GetRawText())) + "]";

    // openssl prints serials in upper-case hex without separators; the inventory may add leading zeros or colons.
    private static bool SameSerial(string? listed, string openssl) =>
        listed is not null && Normalize(listed) == Normalize(openssl);

    private static string Normalize(string serial) => serial.Replace(":", "", StringComparison.Ordinal).TrimStart('0').ToUpperInvariant();
}
