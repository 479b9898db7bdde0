using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// The broker's admin API as an operator's script uses it: HTTP Basic as the bootstrapped <c>admin</c>, the
/// approval queue at <c>/api/v1/requests</c>.
/// </summary>
public sealed class AdminApiClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminApiClient(Uri baseAddress, string user, string password)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    /// <summary>
    /// Waits until a pending request whose subject contains <paramref name="subjectText"/> is queued, and returns
    /// its ID and transactionID. Polls every half second.
    /// </summary>
    public async Task<(long Id, string TransactionId)> WaitForPendingAsync(string subjectText, TimeSpan timeout, Func<string> evidence)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var response = await _http.GetAsync($"api/v1/requests?status=pending&q={Uri.EscapeDataString(subjectText)}");
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET /api/v1/requests answered {(int)response.StatusCode}: {body}");
            using var document = JsonDocument.Parse(body);
            foreach (var request in document.RootElement.EnumerateArray())
            {
                return (request.GetProperty("id").GetInt64(), request.GetProperty("transactionId").GetString()!);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Assert.Fail($"No pending request for '{subjectText}' within {timeout.TotalSeconds:F0} s\n{evidence()}");
        throw new UnreachableException();
    }

    /// <summary><c>GET /api/v1/certificates?q=TEXT</c>: the inventory's certificates whose subject, SANs or serial contain the text.</summary>
    public Task<IReadOnlyList<JsonElement>> ListCertificatesAsync(string text) =>
        GetArrayAsync($"api/v1/certificates?q={Uri.EscapeDataString(text)}&limit=1000");

    /// <summary><c>GET /api/v1/devices?q=TEXT</c>: the inventory's devices, each with the serial of its newest certificate.</summary>
    public Task<IReadOnlyList<JsonElement>> ListDevicesAsync(string text) =>
        GetArrayAsync($"api/v1/devices?q={Uri.EscapeDataString(text)}&limit=1000");

    /// <summary><c>GET /api/v1/requests?status=STATUS&amp;q=TEXT</c>: the request queue, as an admin looks at it.</summary>
    public Task<IReadOnlyList<JsonElement>> ListRequestsAsync(string status, string text) =>
        GetArrayAsync($"api/v1/requests?status={Uri.EscapeDataString(status)}&q={Uri.EscapeDataString(text)}");

    /// <summary>
    /// Loads <c>/certsrv/mscep_admin/?profile=NAME</c> as an NDES admin does and reads the one-time password off the
    /// page (UTF-16, "The enrollment challenge password is: &lt;B&gt; PASSWORD").
    /// </summary>
    public async Task<string> MscepAdminPasswordAsync(string profile)
    {
        using var response = await _http.GetAsync($"certsrv/mscep_admin/?profile={Uri.EscapeDataString(profile)}");
        byte[] page = await response.Content.ReadAsByteArrayAsync();
        string text = Encoding.Unicode.GetString(page);
        Assert.True(response.IsSuccessStatusCode, $"GET /certsrv/mscep_admin/ answered {(int)response.StatusCode}: {text}{Encoding.UTF8.GetString(page)}");
        var match = Regex.Match(
            text, @"(?i)The enrollment challenge password is: <B> (?<password>[^\s<]+)", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, $"No password on the mscep_admin page: {text}");
        return match.Groups["password"].Value;
    }

    /// <summary><c>POST /api/v1/certificates/{serial}/revoke</c> with an RFC 5280 reason name.</summary>
    public Task<JsonElement> RevokeCertificateAsync(string serial, string reason) =>
        PostAsync($"api/v1/certificates/{Uri.EscapeDataString(serial)}/revoke", new { reason });

    public Task<JsonElement> ApproveAsync(long id) => PostAsync($"api/v1/requests/{id.ToString(CultureInfo.InvariantCulture)}/approve", null);

    public Task<JsonElement> RejectAsync(long id, string reason) =>
        PostAsync($"api/v1/requests/{id.ToString(CultureInfo.InvariantCulture)}/reject", new { reason });

    public void Dispose() => _http.Dispose();

    private async Task<IReadOnlyList<JsonElement>> GetArrayAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<JsonElement> PostAsync(string path, object? body)
    {
        using var response = body is null ? await _http.PostAsync(path, null) : await _http.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
