using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>
/// A first start without <c>CertBroker:Admin:BootstrapPassword</c>: the generated password goes to its owner-only file
/// and nowhere else, and the account can do nothing but change it.
/// </summary>
public sealed class GeneratedBootstrapPasswordTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private string _password = "";

    public Task InitializeAsync()
    {
        // Empty counts as unset: the broker generates the password.
        _factory.Settings["CertBroker:Admin:BootstrapPassword"] = "";
        using HttpClient started = _factory.CreateClient();
        _password = File.ReadAllText(Path.Combine(_factory.DataDir, "bootstrap-admin-password")).TrimEnd('\n');
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void FirstStart_GeneratedPassword_IsInItsFileButInNoLogFile()
    {
        string file = Path.Combine(_factory.DataDir, "bootstrap-admin-password");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.True(_password.Length >= 20);
        string[] logs = Directory.GetFiles(Path.Combine(_factory.DataDir, "logs"));
        Assert.NotEmpty(logs);
        string log = string.Concat(logs.Select(ReadShared));
        Assert.Contains("Created the first Administrator", log, StringComparison.Ordinal);
        Assert.Contains("bootstrap-admin-password", log, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/tokens")]
    [InlineData("/api/v1/accounts")]
    [InlineData("/api/v1/audit")]
    [InlineData("/certsrv/mscep_admin/")]
    public async Task GeneratedPassword_AnythingButThePasswordChange_Returns403NamingTheChangeEndpoint(string path)
    {
        using HttpClient client = _factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, path, AdminHttp.Basic("admin", _password));

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 403);
        Assert.Contains("POST /api/v1/me/password", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedPassword_Me_AnswersAndSaysTheChangeIsRequired()
    {
        using HttpClient client = _factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("admin", _password));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(
            ["bootstrap-password", "password-change-required"],
            me.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task GeneratedPassword_ChangedByTheOwner_UnlocksTheApi()
    {
        using HttpClient client = _factory.CreateClient();
        const string Chosen = "Chosen-By-The-Admin-42";

        HttpResponseMessage changed = await AdminHttp.SendAsync(
            client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Basic("admin", _password), new { currentPassword = _password, newPassword = Chosen });
        HttpResponseMessage tokens = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Basic("admin", Chosen));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
    }

    /// <summary>A log file the running broker still writes to.</summary>
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
