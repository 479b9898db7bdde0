using System.Diagnostics;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Backends;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Scep;
using CertBroker.Server.Monitoring;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// The SCEP HTTP binding (RFC 8894 §4): <c>GET|POST {path}?operation=...&amp;message=...</c> on <c>/scep</c>,
/// <c>/scep/{profile}</c> and the configured NDES and Cisco paths. Parsing problems get HTTP 400 with a fixed short
/// text; the details go to the log.
/// </summary>
internal static class ScepEndpoints
{
    public static void MapScep(this IEndpointRouteBuilder app, ProfileCatalog catalog)
    {
        app.MapMethods("/scep", ["GET", "POST"], (HttpContext http, ScepHandler handler) =>
            handler.HandleAsync(http, BrokerOptions.DefaultProfileName)).WithMetadata(DeviceEndpointMetadata.Instance);
        app.MapMethods("/scep/{profile}", ["GET", "POST"], (HttpContext http, string profile, ScepHandler handler) =>
            handler.HandleAsync(http, profile)).WithMetadata(DeviceEndpointMetadata.Instance);
        foreach ((string path, string profile) in catalog.PathProfiles)
        {
            app.MapMethods(path, ["GET", "POST"], (HttpContext http, ScepHandler handler) => handler.HandleAsync(http, profile))
                .WithMetadata(DeviceEndpointMetadata.Instance);
        }

        // The CRL over plain HTTP, for CertBroker:Ca:CrlDistributionPointUrl (RFC 5280 §4.2.1.13) and relying parties.
        app.MapGet(CrlPath, async (HttpContext http, ICrlPublisher crls) =>
        {
            byte[] crl = await crls.GetCurrentCrlAsync(http.RequestAborted).ConfigureAwait(false);
            http.Response.ContentType = "application/pkix-crl";
            http.Response.ContentLength = crl.Length;
            await http.Response.Body.WriteAsync(crl, http.RequestAborted).ConfigureAwait(false);
        }).WithMetadata(DeviceEndpointMetadata.Instance);
    }

    /// <summary>Where the current CRL is served, DER-encoded.</summary>
    public const string CrlPath = "/crl";
}

/// <summary>Serves one SCEP HTTP request and writes the single request log line.</summary>
internal sealed partial class ScepHandler(
    ProfileCatalog catalog,
    ScepResponder responder,
    CaCertificateResponses caResponses,
    WeakCryptoPolicy policy,
    IOptions<BrokerOptions> options,
    ScepMetrics metrics,
    ScepFailureLimiter failures,
    ILogger<ScepHandler> logger)
{
    private const string PkiMessageType = "application/x-pki-message";

    /// <summary>The profile's capabilities less what its enforced weak-crypto policy would refuse (DES3, SHA-1).</summary>
    private IEnumerable<string> AdvertisedCapabilities(ScepProfile profile)
    {
        IReadOnlySet<string> forbidden = policy.ForbiddenCapabilities(profile);
        IReadOnlyList<string> capabilities = profile.Capabilities(caResponses.NextCa(profile) is not null);
        return forbidden.Count == 0 ? capabilities : capabilities.Where(c => !forbidden.Contains(c));
    }

    public async Task HandleAsync(HttpContext http, string profileName)
    {
        long started = Stopwatch.GetTimestamp();
        string operation = ReadRawQueryValue(http.Request.QueryString.Value, "operation") is { } op ? Uri.UnescapeDataString(op) : "";
        var entry = new RequestLogEntry(operation, profileName);
        try
        {
            ScepProfile? profile = catalog.Find(profileName);
            if (profile is null)
            {
                await WriteTextAsync(http, StatusCodes.Status404NotFound, "Unknown SCEP profile\n", entry.Because("No such profile.")).ConfigureAwait(false);
                return;
            }

            switch (operation.ToUpperInvariant())
            {
                case "GETCACAPS":
                    await WriteTextAsync(http, StatusCodes.Status200OK, CaCapabilities.Format(AdvertisedCapabilities(profile)), entry).ConfigureAwait(false);
                    break;
                case "GETCACERT":
                    if (caResponses.For(profile) is { } certificates)
                    {
                        await WriteBytesAsync(http, StatusCodes.Status200OK, CaCertificateResponses.CaRaContentType, certificates, entry).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteUnavailableAsync(http, entry.Because("The upstream CA is not ready.")).ConfigureAwait(false);
                    }

                    break;
                case "GETNEXTCACERT":
                    if (caResponses.NextCa(profile) is { } next)
                    {
                        await WriteBytesAsync(http, StatusCodes.Status200OK, CaCertificateResponses.NextCaContentType, next, entry).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteTextAsync(http, StatusCodes.Status404NotFound, "No successor CA is configured\n", entry.Because("GetNextCACert without a successor CA."))
                            .ConfigureAwait(false);
                    }

                    break;
                case "PKIOPERATION":
                    await PkiOperationAsync(http, profile, entry).ConfigureAwait(false);
                    break;
                default:
                    await WriteTextAsync(http, StatusCodes.Status400BadRequest, "Unknown SCEP operation\n", entry.Because("Unknown operation.")).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Our fault (the store, a bug), not the device's: 500 so clients retry, and the details in the log only.
            LogFailure(ex, entry.Operation, entry.TransactionId);
            entry.Because($"Internal error: {ex.GetType().Name}.");
            if (!http.Response.HasStarted)
            {
                await WriteTextAsync(http, StatusCodes.Status500InternalServerError, "Internal error\n", entry).ConfigureAwait(false);
            }
        }
        finally
        {
            Log(http, entry, started);
        }
    }

    private async Task PkiOperationAsync(HttpContext http, ScepProfile profile, RequestLogEntry entry)
    {
        string? address = http.Connection.RemoteIpAddress?.ToString();
        if (failures.IsLimited(address, out TimeSpan retryAfter))
        {
            // Answered before the body is read: a loop of refused requests costs no decryption, signing or storage.
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteTextAsync(http, StatusCodes.Status429TooManyRequests, "Too many refused requests\n", entry.Because("Source over its limit of refused requests."))
                .ConfigureAwait(false);
            return;
        }

        int limit = options.Value.MaxMessageBytes;
        byte[]? message;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            message = await ReadBodyAsync(http.Request, limit, http.RequestAborted).ConfigureAwait(false);
            if (message is null)
            {
                failures.RecordFailure(address);
                await WriteTextAsync(http, StatusCodes.Status413PayloadTooLarge, "SCEP message too large\n", entry.Because($"Body over {limit} bytes.")).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            string? raw = ReadRawQueryValue(http.Request.QueryString.Value, "message");
            message = raw is null ? null : MessageEncoding.DecodeQueryValue(raw, limit);
            if (message is null)
            {
                failures.RecordFailure(address);
                await WriteTextAsync(http, StatusCodes.Status400BadRequest, "Invalid SCEP message\n", entry.Because("GET message missing, not base64 or too large."))
                    .ConfigureAwait(false);
                return;
            }
        }

        ScepResult result = await responder.HandleAsync(profile, message, address, http.RequestAborted).ConfigureAwait(false);
        entry.Apply(result);
        if (result.Body is null || result.Status == PkiStatus.Failure)
        {
            failures.RecordFailure(address);
        }

        if (result.Unavailable)
        {
            await WriteUnavailableAsync(http, entry).ConfigureAwait(false);
            return;
        }

        if (result.Body is null)
        {
            await WriteTextAsync(http, StatusCodes.Status400BadRequest, "Invalid SCEP message\n", entry).ConfigureAwait(false);
            return;
        }

        await WriteBytesAsync(http, StatusCodes.Status200OK, PkiMessageType, result.Body, entry).ConfigureAwait(false);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is long length ? (int)length : 4096);
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Finds a parameter in the raw query string without form-decoding it, so a raw '+' in base64 stays a '+'.
    /// </summary>
    internal static string? ReadRawQueryValue(string? query, string name)
    {
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        foreach (string pair in query.TrimStart('?').Split('&'))
        {
            int equals = pair.IndexOf('=');
            string key = equals < 0 ? pair : pair[..equals];
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return equals < 0 ? "" : pair[(equals + 1)..];
            }
        }

        return null;
    }

    // An upstream profile before its upstream CA is ready: clients retry a 503 later, and Retry-After says when.
    private static Task WriteUnavailableAsync(HttpContext http, RequestLogEntry entry)
    {
        http.Response.Headers.RetryAfter = "30";
        return WriteTextAsync(http, StatusCodes.Status503ServiceUnavailable, "Upstream CA not available\n", entry);
    }

    // Content types go out exactly, without a charset: certmonger, Apple and sscep compare the whole string.
    private static Task WriteTextAsync(HttpContext http, int status, string text, RequestLogEntry entry)
    {
        entry.HttpStatus = status;
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain";
        byte[] body = System.Text.Encoding.ASCII.GetBytes(text);
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    private static Task WriteBytesAsync(HttpContext http, int status, string contentType, byte[] body, RequestLogEntry entry)
    {
        entry.HttpStatus = status;
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    private void Log(HttpContext http, RequestLogEntry entry, long started)
    {
        TimeSpan duration = Stopwatch.GetElapsedTime(started);
        metrics.Record(entry.Operation, entry.MessageType, entry.Status, entry.HttpStatus, duration);
        double elapsed = duration.TotalMilliseconds;
        LogRequest(
            entry.Operation,
            entry.MessageType,
            entry.TransactionId,
            entry.Profile,
            entry.HttpStatus,
            entry.Status,
            entry.FailInfo,
            entry.Serial,
            Math.Round(elapsed, 2),
            http.Connection.RemoteIpAddress?.ToString(),
            entry.Reason);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "SCEP {Operation} {TransactionId} failed inside the broker")]
    private partial void LogFailure(Exception exception, string operation, string? transactionId);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "SCEP {Operation} {MessageType} {TransactionId} profile {Profile}: HTTP {HttpStatus} {PkiStatus} {FailInfo} serial {Serial} in {ElapsedMs} ms from {RemoteAddress}; {Reason}")]
    private partial void LogRequest(
        string operation, string? messageType, string? transactionId, string profile, int httpStatus, string? pkiStatus,
        string? failInfo, string? serial, double elapsedMs, string? remoteAddress, string? reason);
}

/// <summary>The facts of one SCEP request for its log line.</summary>
internal sealed record RequestLogEntry(string Operation, string Profile)
{
    public int HttpStatus { get; set; }

    public string? MessageType { get; set; }

    public string? TransactionId { get; set; }

    public string? Status { get; set; }

    public string? FailInfo { get; set; }

    public string? Serial { get; set; }

    public string? Reason { get; set; }

    public RequestLogEntry Because(string reason)
    {
        Reason = reason;
        return this;
    }

    public void Apply(ScepResult result)
    {
        MessageType = result.MessageType?.ToRfcName();
        TransactionId = result.TransactionId;
        Status = result.Status?.ToRfcName();
        FailInfo = result.FailInfo?.ToRfcName();
        Serial = result.CertificateSerial;
        Reason = result.Reason;
    }
}
