using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CertBroker.Server.Cli;

/// <summary>
/// How the admin commands (<c>certbroker requests ...</c>, <c>certbroker devices ...</c>) reach a running broker:
/// through its admin API, so that every change goes through the service's single writer, its locks and its audit
/// trail. Options: <c>--server</c> (or <c>CERTBROKER_SERVER</c>, default <c>http://127.0.0.1:8080</c>), and either
/// <c>--token</c> (or <c>CERTBROKER_TOKEN</c>) or <c>--user</c> with <c>CERTBROKER_PASSWORD</c>.
/// </summary>
internal sealed partial class AdminApiConnection : IDisposable
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    public static readonly Option<string?> ServerOption = new("--server") { Description = "The broker's admin URL (default: CERTBROKER_SERVER, else " + DefaultServer + ")." };

    public static readonly Option<string?> TokenOption = new("--token") { Description = "An API token (default: CERTBROKER_TOKEN)." };

    public static readonly Option<string?> UserOption = new("--user") { Description = "An account's user name; its password is read from CERTBROKER_PASSWORD." };

    private readonly HttpClient _http;

    private AdminApiConnection(HttpClient http) => _http = http;

    /// <summary>Adds the connection options to <paramref name="command"/>.</summary>
    public static void AddOptions(Command command)
    {
        command.Options.Add(ServerOption);
        command.Options.Add(TokenOption);
        command.Options.Add(UserOption);
    }

    public static AdminApiConnection Create(ParseResult parse, HttpMessageHandler? handler = null)
    {
        string server = parse.GetValue(ServerOption) ?? Environment.GetEnvironmentVariable("CERTBROKER_SERVER") ?? DefaultServer;
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(server.TrimEnd('/') + "/");
        http.Timeout = TimeSpan.FromSeconds(60);
        string? user = parse.GetValue(UserOption);
        string? token = parse.GetValue(TokenOption) ?? Environment.GetEnvironmentVariable("CERTBROKER_TOKEN");
        if (user is not null)
        {
            string password = Environment.GetEnvironmentVariable("CERTBROKER_PASSWORD")
                ?? throw new CommandFailedException("--user needs the password in CERTBROKER_PASSWORD.");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        }
        else if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else
        {
            throw new CommandFailedException("Give --token (or CERTBROKER_TOKEN), or --user with CERTBROKER_PASSWORD.");
        }

        return new AdminApiConnection(http);
    }

    /// <summary>Sends a request to <paramref name="path"/> (relative, e.g. <c>api/v1/requests</c>) and returns the JSON reply.</summary>
    /// <exception cref="CommandFailedException">The broker answered with an error; its problem details are in the message.</exception>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommandFailedException(DescribeError(response, text));
        }

        return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends <paramref name="body"/> as <paramref name="mediaType"/> (CSV imports) and returns the JSON reply.</summary>
    /// <exception cref="CommandFailedException">The broker answered with an error; its problem details are in the message.</exception>
    public Task<JsonElement?> SendTextAsync(HttpMethod method, string path, string body, string mediaType, CancellationToken cancellationToken) =>
        SendContentAsync(method, path, new StringContent(body, Encoding.UTF8, mediaType), cancellationToken);

    /// <summary>Sends <paramref name="body"/> as it is (certificate imports: PEM, DER or PKCS#7) and returns the JSON reply.</summary>
    /// <exception cref="CommandFailedException">The broker answered with an error; its problem details are in the message.</exception>
    public Task<JsonElement?> SendBytesAsync(HttpMethod method, string path, byte[] body, string mediaType, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return SendContentAsync(method, path, content, cancellationToken);
    }

    private async Task<JsonElement?> SendContentAsync(HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommandFailedException(DescribeError(response, text));
        }

        return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Fetches <paramref name="path"/> as text (CSV exports).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? text : throw new CommandFailedException(DescribeError(response, text));
    }

    public void Dispose() => _http.Dispose();

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>"HTTP 404 Not Found: No such request (detail)" from an RFC 9457 body, or the status alone.</summary>
    private static string DescribeError(HttpResponseMessage response, string body)
    {
        string status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using JsonDocument problem = JsonDocument.Parse(body);
            string? title = problem.RootElement.TryGetProperty("title", out JsonElement t) ? t.GetString() : null;
            string? detail = problem.RootElement.TryGetProperty("detail", out JsonElement d) ? d.GetString() : null;
            var message = new StringBuilder($"{status}: {title}{(detail is null ? "" : $" ({detail})")}");
            // Validation problems name each field; a refused import lists each line.
            if (problem.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Object)
            {
                AppendErrors(message, "", errors);
            }

            if (problem.RootElement.TryGetProperty("rows", out JsonElement rows) && rows.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement row in rows.EnumerateArray())
                {
                    string line = row.TryGetProperty("line", out JsonElement l) ? l.ToString() : "?";
                    if (row.TryGetProperty("errors", out JsonElement rowErrors) && rowErrors.ValueKind == JsonValueKind.Object)
                    {
                        AppendErrors(message, $"line {line}: ", rowErrors);
                    }
                }
            }

            return message.ToString();
        }
        catch (JsonException)
        {
            return status;
        }
    }
}

internal sealed partial class AdminApiConnection
{
    private static void AppendErrors(StringBuilder message, string prefix, JsonElement errors)
    {
        foreach (JsonProperty field in errors.EnumerateObject())
        {
            foreach (JsonElement text in field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                message.Append(Environment.NewLine).Append("  ").Append(prefix).Append(field.Name).Append(": ").Append(text.GetString());
            }
        }
    }
}

/// <summary>A command could not do what was asked; the message is printed and the exit status is 1.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
