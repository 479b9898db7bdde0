using System.Globalization;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Reports;

namespace CertBroker.Server.Admin;

/// <summary>
/// Writes expiry report rows to the response as they come: JSON through a <see cref="Utf8JsonWriter"/> and CSV
/// through <see cref="Csv"/> (RFC 4180, formula cells defused), each flushed whenever a buffer of
/// <see cref="FlushBytes"/> has filled. Times are RFC 3339 in UTC.
/// </summary>
internal static class ExpiryReportWriter
{
    public const string CsvContentType = Csv.ContentType;

    private const int FlushBytes = 32 * 1024;

    public static readonly string[] CsvHeader =
    [
        "device_id", "device", "profile", "subject", "subject_alt_names", "serial", "issuer", "thumbprint_sha256",
        "not_before", "not_after", "days_remaining", "renewal_due_at", "last_renewal_attempt_at", "last_renewal_result",
        "key_algorithm", "key_size", "curve", "signature_algorithm", "findings", "state",
    ];

    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<ExpiryReportRow> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: FlushBytes);
        var record = new StringBuilder(FlushBytes + 4096);
        Csv.WriteRecord(record, CsvHeader);
        await foreach (ExpiryReportRow row in rows.ConfigureAwait(false))
        {
            Csv.WriteRecord(record,
            [
                row.DeviceId?.ToString(CultureInfo.InvariantCulture),
                row.Device,
                row.Profile,
                row.Subject,
                string.Join(' ', row.SubjectAlternativeNames),
                row.Serial,
                row.Issuer,
                row.ThumbprintSha256,
                Time(row.NotBefore),
                Time(row.NotAfter),
                row.DaysRemaining.ToString(CultureInfo.InvariantCulture),
                Time(row.RenewalDueAt),
                Time(row.LastRenewalAttemptAt),
                row.LastRenewalResult,
                row.KeyAlgorithm,
                row.KeySize.ToString(CultureInfo.InvariantCulture),
                row.Curve,
                row.SignatureAlgorithm,
                string.Join(' ', row.Findings),
                ExpiryStates.NameOf(row.State),
            ]);
            if (record.Length >= FlushBytes)
            {
                await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                record.Clear();
            }
        }

        await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteJsonAsync(Stream body, DateTimeOffset now, IAsyncEnumerable<ExpiryReportRow> rows, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("generatedAt", Time(now));
        json.WriteStartArray("certificates");
        await foreach (ExpiryReportRow row in rows.ConfigureAwait(false))
        {
            WriteRow(json, row);
            if (json.BytesPending >= FlushBytes)
            {
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteRow(Utf8JsonWriter json, ExpiryReportRow row)
    {
        json.WriteStartObject();
        if (row.DeviceId is { } deviceId)
        {
            json.WriteNumber("deviceId", deviceId);
        }
        else
        {
            json.WriteNull("deviceId");
        }

        json.WriteString("device", row.Device);
        json.WriteString("profile", row.Profile);
        json.WriteString("subject", row.Subject);
        json.WriteStartArray("subjectAltNames");
        foreach (string name in row.SubjectAlternativeNames)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteString("serial", row.Serial);
        json.WriteString("issuer", row.Issuer);
        json.WriteString("thumbprintSha256", row.ThumbprintSha256);
        json.WriteString("notBefore", Time(row.NotBefore));
        json.WriteString("notAfter", Time(row.NotAfter));
        json.WriteNumber("daysRemaining", row.DaysRemaining);
        json.WriteString("renewalDueAt", Time(row.RenewalDueAt));
        json.WriteString("lastRenewalAttemptAt", Time(row.LastRenewalAttemptAt));
        json.WriteString("lastRenewalResult", row.LastRenewalResult);
        json.WriteString("keyAlgorithm", row.KeyAlgorithm);
        json.WriteNumber("keySize", row.KeySize);
        json.WriteString("curve", row.Curve);
        json.WriteString("signatureAlgorithm", row.SignatureAlgorithm);
        json.WriteStartArray("findings");
        foreach (string finding in row.Findings)
        {
            json.WriteStringValue(finding);
        }

        json.WriteEndArray();
        json.WriteString("state", ExpiryStates.NameOf(row.State));
        json.WriteEndObject();
    }

    /// <summary>RFC 3339 in UTC to the second, through the fast sortable ("s") format: four times per row adds up.</summary>
    private static string? Time(DateTimeOffset? time) =>
        time is { } value
            ? string.Create(20, value.UtcDateTime, static (span, utc) =>
            {
                utc.TryFormat(span, out _, "s", CultureInfo.InvariantCulture);
                span[19] = 'Z';
            })
            : null;
}

/// <summary>The shape of the JSON expiry report, for the API description; the endpoint writes it by hand as it streams.</summary>
/// <param name="GeneratedAt">When the report was computed (RFC 3339, UTC): states and days remaining are as of then.</param>
/// <param name="Certificates">The matching certificates: in notAfter order with <c>within</c>, otherwise in inventory order.</param>
internal sealed record ExpiryReportDocument(string GeneratedAt, IReadOnlyList<ExpiryReportItem> Certificates);

/// <summary>One row of the JSON expiry report; see <see cref="ExpiryReportRow"/>.</summary>
internal sealed record ExpiryReportItem(
    long? DeviceId, string? Device, string Profile, string Subject, IReadOnlyList<string> SubjectAltNames, string Serial, string Issuer,
    string ThumbprintSha256, string NotBefore, string NotAfter, long DaysRemaining, string? RenewalDueAt, string? LastRenewalAttemptAt,
    string? LastRenewalResult, string KeyAlgorithm, int KeySize, string? Curve, string SignatureAlgorithm, IReadOnlyList<string> Findings, string State);
