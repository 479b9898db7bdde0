using System.Net;
using System.Net.Sockets;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// The load balancer configurations shipped under deploy/ are accepted by the real nginx and HAProxy of the test
/// machine (Debian's packages), with the nginx one templated to a free port and a scratch directory the way an
/// operator adapts it.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "None")]
public sealed class LoadBalancerConfigTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NginxConfiguration_TemplatedToTestPorts_PassesNginxCheck()
    {
        using TempDirectory scratch = TempDirectory.Create("nginx-config");
        string shipped = await File.ReadAllTextAsync(Shipped("nginx", "certbroker-cluster.conf"));
        string templated = Replace(shipped, "listen 8080;", $"listen 127.0.0.1:{FreePort()};")
            .Replace("pid /run/certbroker-nginx.pid;", $"pid {scratch.Path}/nginx.pid;", StringComparison.Ordinal)
            .Replace("/var/log/nginx/", scratch.Path + "/", StringComparison.Ordinal);
        templated = Replace(templated, "server 127.0.0.1:5001 ", $"server 127.0.0.1:{FreePort()} ");
        templated = Replace(templated, "server 127.0.0.1:5002 ", $"server 127.0.0.1:{FreePort()} ");
        string config = Path.Combine(scratch.Path, "nginx.conf");
        await File.WriteAllTextAsync(config, templated);

        ProcessResult result = await ExternalProcess.RunAsync(
            "/usr/sbin/nginx", ["-t", "-q", "-p", scratch.Path + "/", "-e", Path.Combine(scratch.Path, "error.log"), "-c", config], Timeout);

        Assert.True(result.Succeeded, result.Describe());
    }

    [Fact]
    public async Task HaproxyConfiguration_AsShipped_PassesHaproxyCheck()
    {
        ProcessResult result = await ExternalProcess.RunAsync("/usr/sbin/haproxy", ["-c", "-f", Shipped("haproxy", "certbroker-cluster.cfg")], Timeout);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains("http-check send meth GET uri /health/ready", await File.ReadAllTextAsync(Shipped("haproxy", "certbroker-cluster.cfg")), StringComparison.Ordinal);
    }

    private static string Shipped(string folder, string file) => Path.Combine(RepositoryLayout.RepositoryRoot, "deploy", folder, file);

    /// <summary>Replaces text the template must contain, so a changed shipped file fails here rather than going untested.</summary>
    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
