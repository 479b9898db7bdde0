using System.Net;
using System.Text.Json;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>One log line per HTTP request: the SCEP handler's own for devices, Serilog.AspNetCore's for the rest.</summary>
public sealed class RequestLogTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task GetCaCaps_OneRequest_LogsExactlyOneScepLineAndNoGenericOne()
    {
        // Only this test uses the Cisco path, so every line naming it belongs to this one request.
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/cgi-bin/pkiclient.exe?operation=GetCACaps");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        IReadOnlyList<JsonElement> lines = await LinesAsync(l =>
            l.GetProperty("Properties").TryGetProperty("RequestPath", out JsonElement path) && path.GetString() == "/cgi-bin/pkiclient.exe");
        // The generic line would come after the handler's: wait a little longer for it before counting.
        await Task.Delay(300);
        lines = await LinesAsync(l =>
            l.GetProperty("Properties").TryGetProperty("RequestPath", out JsonElement path) && path.GetString() == "/cgi-bin/pkiclient.exe");

        JsonElement line = Assert.Single(lines);
        Assert.StartsWith("SCEP ", line.GetProperty("MessageTemplate").GetString(), StringComparison.Ordinal);
        Assert.Equal(100, line.GetProperty("Properties").GetProperty("EventId").GetProperty("Id").GetInt32());
    }

    [Fact]
    public async Task AdminApi_AnonymousCaller_LogsOneLineWithMethodPathAndStatus()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/api/v1/requests?status=pending");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        IReadOnlyList<JsonElement> lines = await LinesAsync(l =>
            l.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP ", StringComparison.Ordinal)
            && l.GetProperty("Properties").GetProperty("RequestPath").GetString() == "/api/v1/requests");

        JsonElement line = Assert.Single(lines);
        Assert.Equal("GET", line.GetProperty("Properties").GetProperty("RequestMethod").GetString());
        Assert.Equal(401, line.GetProperty("Properties").GetProperty("StatusCode").GetInt32());
    }

    [Fact]
    public async Task AnyRequest_LongPath_LoggedShortened()
    {
        string path = "/api/v1/devices/" + new string('x', 20_000);
        HttpResponseMessage response = await factory.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        IReadOnlyList<JsonElement> lines = await LinesAsync(l =>
            l.GetProperty("Properties").TryGetProperty("RequestPath", out JsonElement logged)
            && logged.GetString()!.StartsWith("/api/v1/devices/xxxx", StringComparison.Ordinal));

        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.True(l.GetProperty("Properties").GetProperty("RequestPath").GetString()!.Length < 300, "the caller's path reached the log whole");
            Assert.DoesNotContain(new string('x', 1_000), l.GetProperty("RenderedMessage").GetString()!, StringComparison.Ordinal);
        });
    }

    // The request's line is written as the response completes; give the logger a moment.
    private async Task<IReadOnlyList<JsonElement>> LinesAsync(Func<JsonElement, bool> match)
    {
        for (int attempt = 0; ; attempt++)
        {
            List<JsonElement> found = [.. ReadLog().Where(match)];
            if (found.Count > 0 || attempt == 50)
            {
                return found;
            }

            await Task.Delay(100);
        }
    }

    private IEnumerable<JsonElement> ReadLog()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(factory.DataDir, "logs")))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    yield return JsonDocument.Parse(line).RootElement.Clone();
                }
            }
        }
    }
}
