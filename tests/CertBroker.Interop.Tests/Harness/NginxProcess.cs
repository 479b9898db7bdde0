using System.Globalization;
using System.Net.Sockets;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// Debian's nginx as a real process in the foreground, with a configuration in a directory of its own (prefix, pid
/// file, temp paths, logs), listening on a loopback port. Disposing stops it.
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
    /// Starts nginx with the complete configuration <paramref name="configuration"/> (written to
    /// <c>nginx.conf</c> in <paramref name="directory"/>), after <c>nginx -t</c> accepted it.
    /// </summary>
    public static async Task<NginxProcess> StartAsync(string directory, int port, string configuration)
    {
        var config = System.IO.Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, configuration);
        var check = await ExternalProcess.RunAsync("/usr/sbin/nginx", ["-t", "-p", directory + "/", "-e", System.IO.Path.Combine(directory, "error.log"), "-c", config], TimeSpan.FromSeconds(20));
        if (!check.Succeeded)
        {
            throw new InvalidOperationException("nginx -t refused the configuration\n" + check.Describe() + "\n" + await File.ReadAllTextAsync(config));
        }

        var process = ExternalProcess.Start("/usr/sbin/nginx", ["-p", directory + "/", "-e", System.IO.Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;"], directory);
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
