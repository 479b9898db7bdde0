using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CertBroker.Testing;

/// <summary>
/// A real PostgreSQL server for the tests: Debian's <c>initdb</c> and <c>pg_ctl</c> make a throwaway cluster in a
/// temporary directory, listening on a free loopback port, started once per test process and stopped when it exits.
/// Each caller gets a database of its own with <see cref="CreateDatabaseAsync"/>. With
/// <c>CERTBROKER_TEST_POSTGRES</c> set to a connection string, that server is used instead (it must allow
/// <c>CREATE DATABASE</c>).
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CERTBROKER_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string of the server's maintenance database <c>postgres</c>.</summary>
    public static Task<string> AdminConnectionStringAsync() => Server.Value;

    /// <summary>A new, empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var admin = await Server.Value.ConfigureAwait(false);
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, ending its connections first.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await Server.Value.ConfigureAwait(false));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The directory holding initdb, pg_ctl and postgres of the newest installed major version.</summary>
    public static string BinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return found is null
            ? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); scripts/install-deps.sh installs it.")
            : Path.Combine(found, "bin");
    }

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var bin = BinDirectory();
        var asRoot = Environment.UserName == "root";
        StopAbandoned(bin, asRoot);
        var root = Path.Combine(Path.GetTempPath(), $"certbroker-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        if (asRoot)
        {
            // initdb and the server refuse to run as root: they run as Debian's postgres account.
            await RunAsync("chown", ["postgres:postgres", root]).ConfigureAwait(false);
        }

        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "certbroker", "-E", "UTF8", "--no-sync"], asRoot).ConfigureAwait(false);
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "start"], asRoot).ConfigureAwait(false);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"], asRoot);
                Directory.Delete(root, recursive: true);
            }
            catch (Exception)
            {
                // Best effort at exit: a left-over directory under /tmp harms nothing.
            }
        };

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "certbroker",
            Database = "postgres",
            Pooling = false,
        }.ToString();
    }

    /// <summary>
    /// Stops and removes the servers of earlier test processes that ended without stopping theirs (a test host that is
    /// killed runs no exit handler): the directory name carries the process ID that started it.
    /// </summary>
    private static void StopAbandoned(string bin, bool asPostgres)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), "certbroker-pg-*"))
        {
            var parts = Path.GetFileName(directory).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], out var owner) || IsAlive(owner))
            {
                continue;
            }

            try
            {
                if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
                {
                    Run(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-m", "immediate", "stop"], asPostgres);
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (Exception)
            {
                // Someone else's, or already gone: leave it.
            }
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsync(string file, string[] arguments, bool asPostgres = false) =>
        Task.Run(() => Run(file, arguments, asPostgres));

    private static void Run(string file, string[] arguments, bool asPostgres = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {error}{output.Result}");
        }
    }
}
