using System.Collections.Concurrent;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Admin;

/// <summary>
/// Audits sign-ins. Every failure and lockout is recorded. Basic authentication signs in on every request, so a
/// success is recorded only when the same account or token has not had one recorded within
/// <see cref="SuccessInterval"/>: the trail shows who was active when, without one record per API call pushing older
/// events out of the retention cap.
/// </summary>
internal sealed partial class SignInAudit(AuditRecorder recorder, TimeProvider timeProvider, ILogger<SignInAudit> logger)
{
    /// <summary>Least time between two recorded successes of the same account or token.</summary>
    public static readonly TimeSpan SuccessInterval = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRecorded = new(StringComparer.OrdinalIgnoreCase);

    public Task AccountAsync(HttpContext http, AuthenticationResult result, CancellationToken cancellationToken)
    {
        switch (result.Status)
        {
            case AuthenticationStatus.Succeeded:
                return SucceededAsync(http, result.UserName, result.UserName, cancellationToken);
            case AuthenticationStatus.LockedOut:
                LogLockedOut(result.UserName, result.LockedUntil, http.Connection.RemoteIpAddress?.ToString());
                return RecordAsync(http, AuditActions.AccountLockedOut, result.UserName, $"Locked until {result.LockedUntil:O} for this source address; other addresses may still sign in.", cancellationToken);
            default:
                LogRefused(result.UserName, result.Failure, http.Connection.RemoteIpAddress?.ToString());
                return RecordAsync(http, AuditActions.LoginFailed, result.UserName, Describe(result.Failure), cancellationToken);
        }
    }

    public Task TokenAsync(HttpContext http, ApiTokenAuthentication result, CancellationToken cancellationToken)
    {
        if (result.Succeeded)
        {
            return SucceededAsync(http, "token:" + result.Token!.Name, "token:" + result.Token.Name, cancellationToken);
        }

        string? target = result.Token is { } token ? "token:" + token.Name : null;
        LogTokenRefused(target, result.Failure, http.Connection.RemoteIpAddress?.ToString());
        return RecordAsync(http, AuditActions.LoginFailed, target, $"API token refused: {result.Failure}.", cancellationToken);
    }

    private Task SucceededAsync(HttpContext http, string key, string actor, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        DateTimeOffset last = _lastRecorded.GetValueOrDefault(key, DateTimeOffset.MinValue);
        bool claimed = now - last >= SuccessInterval
            && (last == DateTimeOffset.MinValue ? _lastRecorded.TryAdd(key, now) : _lastRecorded.TryUpdate(key, now, last));
        if (!claimed)
        {
            // Recorded recently, or a concurrent request of the same caller is recording it right now.
            return Task.CompletedTask;
        }

        var auditEvent = new AuditEvent
        {
            Time = now,
            Action = AuditActions.Login,
            Outcome = AuditOutcome.Success,
            Actor = actor,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            Target = actor,
        };
        return recorder.RecordAsync(auditEvent, cancellationToken);
    }

    private Task RecordAsync(HttpContext http, string action, string? target, string details, CancellationToken cancellationToken) =>
        recorder.RecordAsync(
            new AuditEvent
            {
                Time = timeProvider.GetUtcNow(),
                Action = action,
                Outcome = AuditOutcome.Failure,
                Actor = "anonymous",
                SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
                Target = target,
                Details = details,
            },
            cancellationToken);

    private static string Describe(AuthenticationFailure? failure) => failure switch
    {
        AuthenticationFailure.UnknownUser => "No such account.",
        AuthenticationFailure.WrongPassword => "Wrong password.",
        AuthenticationFailure.AccountDisabled => "The account is disabled.",
        AuthenticationFailure.Contention => "Too many simultaneous sign-ins to record the outcome.",
        _ => "Refused.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin sign-in of {UserName} from {SourceAddress} refused: {Failure}")]
    private partial void LogRefused(string userName, AuthenticationFailure? failure, string? sourceAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin account {UserName} locked until {LockedUntil} for sign-ins from {SourceAddress}")]
    private partial void LogLockedOut(string userName, DateTimeOffset? lockedUntil, string? sourceAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API token {Token} from {SourceAddress} refused: {Failure}")]
    private partial void LogTokenRefused(string? token, ApiTokenFailure? failure, string? sourceAddress);
}
