namespace CertBroker.Server.Hosting;

/// <summary>Which database holds the broker's state (<c>CertBroker:Storage</c>).</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "CertBroker:Storage";

    public const string ProviderKey = SectionName + ":" + nameof(Provider);

    /// <summary>
    /// <c>Sqlite</c> (the default): one file in the data directory, one broker process. <c>Postgres</c>: a PostgreSQL
    /// database (<c>CertBroker:Storage:Postgres:ConnectionString</c>) that several broker nodes share, with the
    /// scheduler clustered over it.
    /// </summary>
    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>The provider named in <paramref name="configuration"/>, read before options are bound (registration depends on it).</summary>
    public static StorageProvider ProviderOf(IConfiguration configuration) => Parse(configuration[ProviderKey]);

    /// <summary>Null or blank is the default, SQLite; names compare case-insensitively.</summary>
    public static StorageProvider Parse(string? value) => value?.Trim() switch
    {
        null or "" => StorageProvider.Sqlite,
        { } name when name.Equals(nameof(StorageProvider.Sqlite), StringComparison.OrdinalIgnoreCase) => StorageProvider.Sqlite,
        { } name when name.Equals(nameof(StorageProvider.Postgres), StringComparison.OrdinalIgnoreCase) => StorageProvider.Postgres,
        _ => StorageProvider.Unknown,
    };
}

internal enum StorageProvider
{
    Unknown,
    Sqlite,
    Postgres,
}
