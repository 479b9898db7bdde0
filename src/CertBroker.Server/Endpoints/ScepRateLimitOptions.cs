namespace CertBroker.Server.Endpoints;

/// <summary>
/// <c>CertBroker:ScepRateLimit</c>: how many refused PKIOperations (signed FAILURE, HTTP 400 or 413) a source may cause
/// before its PKIOperations are answered 429 without being read. A device that enrols or renews normally never
/// comes near it; a loop of refused requests is stopped before it costs decryption, signing and storage.
/// </summary>
public sealed class ScepRateLimitOptions
{
    public const string SectionName = "CertBroker:ScepRateLimit";

    /// <summary>Refused PKIOperations a source (an IPv4 address or an IPv6 /64) may cause per period, 1 to 100000. Default 30.</summary>
    public int MaxFailures { get; set; } = 30;

    /// <summary>The period, 1 to 1440 minutes. Default 5: a source at the limit waits until its oldest failure is this old.</summary>
    public int PeriodMinutes { get; set; } = 5;
}
