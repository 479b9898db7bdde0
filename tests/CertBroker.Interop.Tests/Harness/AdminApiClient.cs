using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

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

    public Task<JsonElement> ApproveAsync(long id) => PostAsync($"api/v1/requests/{id.ToString(CultureInfo.InvariantCulture)}/approve", null);

    public Task<JsonElement> RejectAsync(long id, string reason) =>
        PostAsync($"api/v1/requests/{id.ToString(CultureInfo.InvariantCulture)}/reject", new { reason });

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> PostAsync(string path, object? body)
    {
        using var response = body is null ? await _http.PostAsync(path, null) : await _http.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
