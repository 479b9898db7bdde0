using System.CommandLine;
using System.Net;
using CertBroker.Server.Cli;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary><c>certbroker requests</c> against a running broker, as an admin uses it from a shell.</summary>
public sealed class RequestsCommandTests(ApprovalBrokerFactory factory) : IClassFixture<ApprovalBrokerFactory>
{
    [Fact]
    public async Task ListAndApprove_PendingRequest_PrintsItThenIssuesIt()
    {
        string transactionId = await EnrolAsync("CN=cli-approve-device", 20);

        (int listed, string table) = await RunAsync("requests", "list", "--search", "cli-approve-device");
        string id = table.Split('\n')[1].Split(' ', 2)[0];
        (int approved, string json) = await RunAsync("requests", "approve", id);
        (int shown, string details) = await RunAsync("requests", "show", id);

        Assert.Equal(0, listed);
        Assert.StartsWith("ID", table, StringComparison.Ordinal);
        Assert.Contains(transactionId, table, StringComparison.Ordinal);
        Assert.Contains("pending", table, StringComparison.Ordinal);
        Assert.Equal(0, approved);
        Assert.Contains("\"status\": \"issued\"", json, StringComparison.Ordinal);
        Assert.Equal(0, shown);
        Assert.Contains("\"decidedBy\": \"admin\"", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_WithReason_PrintsTheRejectedRequest()
    {
        await EnrolAsync("CN=cli-reject-device", 21);
        (_, string json) = await RunAsync("requests", "list", "--search", "cli-reject-device", "--json");
        string id = System.Text.Json.JsonDocument.Parse(json).RootElement[0].GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        (int status, string output) = await RunAsync("requests", "reject", id, "--reason", "Not in the asset list.");
        (_, string rejected) = await RunAsync("requests", "list", "--status", "rejected", "--search", "cli-reject-device");

        Assert.Equal(0, status);
        Assert.Contains("\"decisionReason\": \"Not in the asset list.\"", output, StringComparison.Ordinal);
        Assert.Contains("rejected", rejected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_UnknownRequest_FailsWithTheProblemTitle()
    {
        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => RunAsync("requests", "approve", "424242"));

        Assert.Contains("HTTP 404", failure.Message, StringComparison.Ordinal);
        Assert.Contains("No such request", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_EmptyQueue_SaysSo()
    {
        (int status, string output) = await RunAsync("requests", "list", "--search", "nothing-matches-this");

        Assert.Equal(0, status);
        Assert.Equal("No requests.", output.Trim());
    }

    private async Task<(int Status, string Output)> RunAsync(params string[] args)
    {
        factory.Broker.CreateClient().Dispose(); // starts the test server
        Environment.SetEnvironmentVariable("CERTBROKER_PASSWORD", BrokerFactory.AdminPassword);
        using HttpMessageHandler handler = factory.Broker.Server.CreateHandler();
        using var output = new StringWriter();
        var root = new RootCommand { RequestsCommand.Create(handler, output) };
        int status = await root.Parse([.. args, "--server", "http://localhost", "--user", "admin"])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (status, output.ToString());
    }

    private async Task<string> EnrolAsync(string subject, int keySlot)
    {
        HttpClient client = factory.Broker.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(keySlot);
        SentRequest request = ScepHttp.PkcsReq(ca, device, subject, BrokerFactory.Challenge);
        HttpResponseMessage response = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return request.TransactionId;
    }
}
