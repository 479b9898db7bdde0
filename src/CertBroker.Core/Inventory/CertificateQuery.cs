namespace CertBroker.Core.Inventory;

/// <summary>A page of certificates, newest first; every filter is optional.</summary>
public sealed record CertificateQuery
{
    public string? Profile { get; init; }

    public CertificateState? State { get; init; }

    /// <summary>Certificates still valid that end within this many days.</summary>
    public int? ExpiresWithinDays { get; init; }

    /// <summary>Case-insensitive text searched in subject, serial and subjectAltNames.</summary>
    public string? Text { get; init; }

    public long? DeviceId { get; init; }

    public required DateTimeOffset Now { get; init; }

    public int Limit { get; init; } = 100;

    public int Offset { get; init; }
}
