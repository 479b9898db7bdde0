using System.Globalization;
using System.Net.Sockets;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// Debian's nginx as a real process in the foreground, with a configuration of the test's own in a directory of its
/// own (prefix, pid file, temp paths, logs), listening on a loopback port. Disposing stops it.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private readonly ExternalProcess _process;

    private NginxProcess(ExternalProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public string AccessLog => System.IO.Path.Combine(Directory, "access.log");

    public string Output => $"--- nginx stderr ---\n{_process.StandardError}\n--- error.log ---\n{ReadOrEmpty(System.IO.Path.Combine(Directory, "error.log"))}";

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>
    /// Starts nginx with a main configuration around <paramref name="httpBlock"/> (the contents of the <c>http</c>
    /// context: upstreams and servers), after <c>nginx -t</c> accepted it.
    /// </summary>
    public static async Task<NginxProcess> StartAsync(string directory, int port, string httpBlock)
    {
        var config = System.IO.Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            user root;
            events { worker_connections 1024; }
            http {
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr';
                access_log {{directory}}/access.log upstreams;
            {{httpBlock}}
            }
            """);
        var check = await ExternalProcess.RunAsync("nginx", ["-t", "-p", directory, "-c", config], TimeSpan.FromSeconds(20));
        if (!check.Succeeded)
        {
            throw new InvalidOperationException("nginx -t refused the configuration\n" + check.Describe() + "\n" + await File.ReadAllTextAsync(config));
        }

        var process = ExternalProcess.Start("nginx", ["-p", directory, "-c", config, "-g", "daemon off;"], directory);
        var nginx = new NginxProcess(process, directory, port);
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return nginx;
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    break;
                }

                await Task.Delay(50);
            }
        }

        var output = nginx.Output;
        await nginx.DisposeAsync();
        throw new InvalidOperationException("nginx did not start\n" + output);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
