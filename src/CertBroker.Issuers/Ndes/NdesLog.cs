using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

/// <summary>Log events of the upstream CA connector, with named properties. Never logs challenges or keys.</summary>
internal static partial class NdesLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Profile {Profile}: upstream CA {CaSubject} {CaThumbprint} advertises {Capabilities}")]
    public static partial void Fetched(ILogger logger, string profile, string caSubject, string caThumbprint, string capabilities);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Profile {Profile}: upstream CA unreachable, serving its certificates cached in {Directory}")]
    public static partial void UsingCache(ILogger logger, string profile, string directory);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Profile {Profile}: RA enrolment at the upstream CA: {Outcome}")]
    public static partial void RaEnrolment(ILogger logger, string profile, string outcome);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
        Message = "Profile {Profile}: upstream CA not ready, devices get HTTP 503 until it is: {Reason}")]
    public static partial void NotReady(ILogger logger, string profile, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "Profile {Profile}: upstream reply for {UpstreamTransactionId} rejected, fetching its certificates again: {Reason}")]
    public static partial void ReplyRejected(ILogger logger, string profile, string upstreamTransactionId, string reason);
}
