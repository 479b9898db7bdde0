namespace CertBroker.Server.Hosting;

/// <summary>
/// This process's name among the nodes sharing one database (<c>CertBroker:NodeName</c>), under which it holds leases
/// and which the logs name. Default: the machine name and the process id, unique per running process. A configured
/// name must differ between nodes; keeping it across restarts lets a restarted node take its lease back at once.
/// </summary>
public sealed class NodeIdentity
{
    public const string ConfigurationKey = "CertBroker:NodeName";

    /// <summary>Longer names are cut: the name is stored in every lease row.</summary>
    public const int MaxLength = 200;

    public NodeIdentity(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Length > MaxLength ? name[..MaxLength] : name;
    }

    public string Name { get; }

    public static NodeIdentity From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? configured = configuration[ConfigurationKey];
        return new NodeIdentity(string.IsNullOrWhiteSpace(configured)
            ? $"{Environment.MachineName}:{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : configured.Trim());
    }
}
