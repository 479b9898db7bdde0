using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Embedded;

/// <summary>Log events of the embedded CA, with named properties. Fingerprints are lower-case hex SHA-256.</summary>
internal static partial class EmbeddedCaLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "Generated dev {Role} certificate {Subject} {Sha256} in {Directory}; development material, not for production")]
    public static partial void GeneratedDevCertificate(ILogger logger, string role, string subject, string sha256, string directory);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Loaded {Role} certificate {Subject} {Sha256} valid until {NotAfter} from {Path}")]
    public static partial void LoadedCertificate(
        ILogger logger,
        string role,
        string subject,
        string sha256,
        DateTimeOffset notAfter,
        string path);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "{Role} certificate {Subject} {Sha256} is outside its validity period {NotBefore} to {NotAfter}")]
    public static partial void CertificateOutsideValidity(
        ILogger logger,
        string role,
        string subject,
        string sha256,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "{Role} private key file {Path} can be read by other users; restrict it to the service account (chmod 600)")]
    public static partial void KeyFileReadableByOthers(ILogger logger, string role, string path);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
        Message = "Signed CRL {CrlNumber} with {RevokedCount} revoked certificates, next update {NextUpdate}")]
    public static partial void SignedCrl(ILogger logger, long crlNumber, int revokedCount, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Revoked certificate {Serial} has reason code {ReasonCode}, which a CRL cannot carry; listed without a reason")]
    public static partial void UnusableRevocationReason(ILogger logger, string serial, int reasonCode);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug,
        Message = "Issued certificate {Serial} for {Subject} valid {NotBefore} to {NotAfter}")]
    public static partial void IssuedCertificate(
        ILogger logger,
        string serial,
        string subject,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug,
        Message = "Serving CRL {CrlNumber}, signed by another node")]
    public static partial void LoadedCrl(ILogger logger, long crlNumber);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning,
        Message = "Could not look for a newer CRL in the database; serving CRL {CrlNumber} meanwhile")]
    public static partial void CrlLookFailed(ILogger logger, Exception exception, long crlNumber);
}
