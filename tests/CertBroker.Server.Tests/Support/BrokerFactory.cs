using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CertBroker.Server.Tests.Support;

/// <summary>
/// The real service in process: a temp data directory (dev CA generated on first start, SQLite file, logs) and a
/// static challenge for the default profile. Settings go in with UseSetting, because Program reads the data directory
/// from the configuration before the host is built.
/// </summary>
public sealed class BrokerFactory : WebApplicationFactory<Program>
{
    public const string Challenge = "server-test-challenge";

    /// <summary>Bootstrap password of the first Administrator, <c>admin</c>.</summary>
    public const string AdminPassword = "Server-Test-Admin-1";

    private readonly TempDirectory _directory = new();

    public string DataDir => _directory.Path;

    /// <summary>Extra settings a test class needs, applied after the defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CertBroker:DataDir", _directory.Path);
        builder.UseSetting("CertBroker:Profiles:default:ChallengePassword", Challenge);
        builder.UseSetting("CertBroker:Admin:BootstrapPassword", AdminPassword);

        // The broker's log goes to its file under DataDir only: a passing test's output stays short.
        builder.UseSetting("CertBroker:Logging:ConsoleFormat", "Off");

        // The lowest count configuration allows: Basic authentication hashes on every request.
        builder.UseSetting("CertBroker:Admin:PasswordHashing:Iterations", "100000");
        foreach ((string key, string? value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
