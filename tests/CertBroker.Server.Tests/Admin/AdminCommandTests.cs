using System.CommandLine;
using System.Net;
using CertBroker.Server.Cli;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary><c>certbroker tokens</c> and <c>certbroker audit export</c> against a running broker, as from a shell.</summary>
public sealed class AdminCommandTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task Tokens_CreateListDelete_SecretWorksUntilDeleted()
    {
        (int created, string createdOutput) = await RunAsync(TokensCommand.Create, "tokens", "create", "cli-made", "--role", "Auditor", "--days", "30");
        string secret = createdOutput.Split('\n')[0].Trim();
        (int listed, string table) = await RunAsync(TokensCommand.Create, "tokens", "list");
        using HttpClient client = factory.CreateClient();
        HttpStatusCode before = (await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(secret))).StatusCode;
        (int deleted, _) = await RunAsync(TokensCommand.Create, "tokens", "delete", "cli-made");
        HttpStatusCode after = (await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(secret))).StatusCode;

        Assert.Equal((0, 0, 0), (created, listed, deleted));
        Assert.StartsWith("cbt_", secret, StringComparison.Ordinal);
        Assert.Contains("cannot be shown again", createdOutput, StringComparison.Ordinal);
        Assert.StartsWith("NAME", table, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^cli-made\s+Auditor\s+admin\s", table);
        Assert.DoesNotContain(secret, table, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
    }

    [Fact]
    public async Task Tokens_CreateWithUnknownRole_FailsWithTheProblem()
    {
        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => RunAsync(TokensCommand.Create, "tokens", "create", "bad-role", "--role", "Wizard"));

        Assert.Contains("HTTP 400", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditExport_ToFile_WritesTheCsvWithFilters()
    {
        using var directory = new TempDirectory();
        string file = directory.File("audit.csv");

        (int status, _) = await RunAsync(AuditCommand.Create, "audit", "export", "--action", "account.", "--output", file);

        Assert.Equal(0, status);
        string[] lines = (await File.ReadAllTextAsync(file)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,time,action,outcome,actor,source_address,target,profile,details", lines[0]);
        Assert.Contains(lines, line => line.Contains(",account.bootstrap,Success,system,", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), line => Assert.Contains(",account.", line, StringComparison.Ordinal));
    }

    private async Task<(int Status, string Output)> RunAsync(Func<HttpMessageHandler?, TextWriter?, Command> command, params string[] args)
    {
        factory.CreateClient().Dispose(); // starts the test server
        Environment.SetEnvironmentVariable("CERTBROKER_PASSWORD", BrokerFactory.AdminPassword);
        using HttpMessageHandler handler = factory.Server.CreateHandler();
        using var output = new StringWriter();
        var root = new RootCommand { command(handler, output) };
        int status = await root.Parse([.. args, "--server", "http://localhost", "--user", "admin"])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (status, output.ToString());
    }
}
