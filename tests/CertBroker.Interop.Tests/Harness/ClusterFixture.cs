using System.Globalization;
using CertBroker.Testing;
using Npgsql;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// Two broker processes on one PostgreSQL database, behind nginx: the smallest cluster. Node B starts with a copy of the
/// CA and RA material node A generated, as an operator copies it to every node. <see cref="ServerFixture.Server"/> is
/// node A; clients that go through the balancer use <see cref="BalancerUrl"/>.
/// </summary>
public sealed class ClusterFixture : ServerFixture, IServerKind
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Interop-Clust3r!x";

    /// <summary>Static challenge of the <c>locked</c> profile, which the lockout test guesses at.</summary>
    public const string LockedChallenge = "locked-profile-secret";

    /// <summary>Failed guesses per source and profile that lock a source out, counted over both nodes.</summary>
    public const int LockoutThreshold = 6;

    private NginxProcess? _nginx;
    private ServerProcess? _nodeB;

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep"];

    public string ConnectionString { get; private set; } = "";

    public ServerProcess NodeA => Server;

    public ServerProcess NodeB => _nodeB ?? throw new InvalidOperationException("Node B has not started");

    public NginxProcess Balancer => _nginx ?? throw new InvalidOperationException("nginx has not started");

    public string BalancerUrl(string path) => Balancer.Url(path);

    public AdminApiClient NewAdminClient(ServerProcess node) => new(node.BaseAddress, AdminUser, AdminPassword);

    public NpgsqlConnection OpenDatabase()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = OpenDatabase();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected override async Task<ServerProcess> StartAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("cluster");
        var nodeA = await ServerProcess.StartCertBrokerAsync(Challenge, Settings("node-a"));
        try
        {
            _nodeB = await ServerProcess.StartCertBrokerAsync(Challenge, Settings("node-b"), directory =>
                CopyDirectory(Path.Combine(nodeA.DataDirectory, "ca"), Path.Combine(directory, "ca")));
            var port = ServerProcess.FindFreePort();
            _nginx = await NginxProcess.StartAsync(Files.Sub("nginx"), port, NginxConfiguration(port, nodeA, _nodeB));
            return nodeA;
        }
        catch
        {
            await nodeA.DisposeAsync();
            throw;
        }
    }

    protected override async Task DisposeMoreAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        if (_nodeB is not null)
        {
            await _nodeB.DisposeAsync();
        }

        if (ConnectionString.Length > 0)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
    }

    private List<KeyValuePair<string, string>> Settings(string node) =>
    [
        new("CertBroker:Storage:Provider", "Postgres"),
        new("CertBroker:Storage:Postgres:ConnectionString", ConnectionString),
        new("CertBroker:NodeName", node),
        new("CertBroker:Admin:BootstrapPassword", AdminPassword),
        new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
        new("CertBroker:ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
        new("CertBroker:Profiles:mfd:Challenge", "OneTime"),
        new("CertBroker:Profiles:locked:ChallengePassword", LockedChallenge),
        new("CertBroker:ChallengeLockout:Threshold", LockoutThreshold.ToString(CultureInfo.InvariantCulture)),
        // Every lifecycle job every minute, so that each fires several times while the cluster tests run.
        new("CertBroker:Schedule:RenewalSweepMinutes", "1"),
        new("CertBroker:Schedule:ExpiryAlertMinutes", "1"),
        new("CertBroker:Schedule:PendingExpiryMinutes", "1"),
        new("CertBroker:Schedule:CrlRefreshMinutes", "1"),
        new("CertBroker:Schedule:ChallengeCleanupMinutes", "1"),
        new("CertBroker:Schedule:TransactionCleanupMinutes", "1"),
    ];

    /// <summary>
    /// The shipped nginx configuration for two nodes, adapted as an operator would: this test's ports and directory,
    /// and an access log that names the node each request went to.
    /// </summary>
    private string NginxConfiguration(int port, ServerProcess nodeA, ServerProcess nodeB)
    {
        var directory = Files.Sub("nginx");
        var shipped = File.ReadAllText(Path.Combine(RepositoryLayout.RepositoryRoot, "deploy", "nginx", "certbroker-cluster.conf"));
        return "user root;\n" + Replace(shipped, [
            ("listen 8080;", $"listen 127.0.0.1:{Port(port)};"),
            ("server 127.0.0.1:5001 ", $"server 127.0.0.1:{Port(nodeA.BaseAddress.Port)} "),
            ("server 127.0.0.1:5002 ", $"server 127.0.0.1:{Port(nodeB.BaseAddress.Port)} "),
            ("pid /run/certbroker-nginx.pid;", $"pid {directory}/nginx.pid;"),
            ("error_log /var/log/nginx/certbroker-error.log warn;", $"error_log {directory}/error.log warn;"),
            ("access_log /var/log/nginx/certbroker-access.log;", $"""
                client_body_temp_path {directory}/client_body;
                proxy_temp_path {directory}/proxy;
                fastcgi_temp_path {directory}/fastcgi;
                uwsgi_temp_path {directory}/uwsgi;
                scgi_temp_path {directory}/scgi;
                log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr';
                access_log {directory}/access.log upstreams;
            """),
        ]);

        static string Port(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces text the shipped file must contain, so a changed file fails here rather than going untested.</summary>
    private static string Replace(string text, (string From, string To)[] replacements)
    {
        foreach (var (from, to) in replacements)
        {
            if (!text.Contains(from, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"deploy/nginx/certbroker-cluster.conf no longer contains '{from}'");
            }

            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
