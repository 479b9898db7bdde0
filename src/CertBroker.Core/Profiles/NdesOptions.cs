namespace CertBroker.Core.Profiles;

/// <summary>
/// The upstream SCEP CA of a profile with <see cref="ProfileBackend.Ndes"/> (<c>CertBroker:Profiles:&lt;name&gt;:Ndes</c>).
/// The device's CSR reaches the upstream unchanged, signed by the device, so its challengePassword must be one the
/// upstream accepts: a static <see cref="Challenge"/>, or one-time passwords fetched from <see cref="AdminUrl"/>.
/// </summary>
public sealed class NdesOptions
{
    /// <summary>The upstream SCEP URL, e.g. <c>https://ndes.example.com/certsrv/mscep/mscep.dll</c>. Required.</summary>
    public string? Url { get; set; }

    /// <summary>The CA identifier sent as <c>message=</c> with GetCACaps and GetCACert. Unset by default (NDES ignores it).</summary>
    public string? CaIdentifier { get; set; }

    /// <summary>
    /// A static upstream challenge password. It is also the profile's device challenge: devices send it in their CSR,
    /// the broker checks it locally (with its lockout) and the upstream checks it again.
    /// </summary>
    public string? Challenge { get; set; }

    /// <summary>
    /// The upstream's <c>mscep_admin</c> page, e.g. <c>https://ndes.example.com/certsrv/mscep_admin/</c>. When set,
    /// the profile uses one-time passwords: each one the broker hands out is fetched from this page first.
    /// </summary>
    public string? AdminUrl { get; set; }

    /// <summary>User name for <see cref="AdminUrl"/> (HTTP Basic).</summary>
    public string? UserName { get; set; }

    /// <summary>Password for <see cref="AdminUrl"/> (HTTP Basic).</summary>
    public string? Password { get; set; }

    /// <summary>Timeout of one upstream HTTP call in seconds, 1 to 300. Default 30.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How often a request the upstream answered PENDING is polled, in seconds, 5 to 86400. Default 60.</summary>
    public int PollIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// How many times a request is sent to an upstream that cannot be reached before it fails, 1 to 1000. Default 20.
    /// The device gets PENDING meanwhile, and FAILURE on its next poll after the last attempt.
    /// </summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>First retry delay in seconds after the upstream could not be reached, doubled each attempt, 1 to 3600. Default 30.</summary>
    public int RetryDelaySeconds { get; set; } = 30;

    /// <summary>Longest retry delay in seconds, at least <see cref="RetryDelaySeconds"/>. Default 3600.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 3600;

    /// <summary>How often the upstream's GetCACaps and GetCACert are fetched again, in minutes, 1 to 10080. Default 60.</summary>
    public int CaRefreshMinutes { get; set; } = 60;

    /// <summary>
    /// PEM certificate of the broker's RA identity towards devices and the upstream. Unset by default: the broker then
    /// enrols its own RA certificate from the upstream at start-up and keeps it under the data directory.
    /// </summary>
    public string? RaCertificatePath { get; set; }

    /// <summary>PEM private key (PKCS#8 or PKCS#1) of <see cref="RaCertificatePath"/>.</summary>
    public string? RaKeyPath { get; set; }

    /// <summary>
    /// Subject of the RA certificate the broker enrols. Default <c>CN=CertBroker RA &lt;profile&gt; &lt;8 random hex
    /// digits&gt;</c>, new for each enrolment: some CAs (micromdm's scepserver) issue only one certificate per subject.
    /// </summary>
    public string? RaSubject { get; set; }
}
