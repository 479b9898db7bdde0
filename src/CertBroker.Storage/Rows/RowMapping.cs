using System.Text.Json;
using System.Text.Json.Serialization;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Rows;

/// <summary>Converts between the contract records and rows; shared by every database's store.</summary>
internal static class RowMapping
{
    public static TransactionRow ToRow(EnrolmentTransaction transaction) => new()
    {
        Id = transaction.Id,
        Profile = transaction.Profile,
        TransactionId = transaction.TransactionId,
        MessageType = transaction.MessageType,
        State = (long)transaction.State,
        PublicKeySha256 = transaction.PublicKeySha256,
        Subject = transaction.Subject,
        RequesterAddress = transaction.RequesterAddress,
        ContentEncryptionAlgorithm = transaction.ContentEncryptionAlgorithm,
        DigestAlgorithm = transaction.DigestAlgorithm,
        SignatureAlgorithm = transaction.SignatureAlgorithm,
        FailInfo = transaction.FailInfo,
        CertificationRequest = transaction.CertificationRequest,
        CertificateSerial = transaction.CertificateSerial,
        CreatedAt = UnixMicroseconds.From(transaction.CreatedAt),
        UpdatedAt = UnixMicroseconds.From(transaction.UpdatedAt),
        SubjectAltNames = ToJson(transaction.SubjectAlternativeNames),
        KeyAlgorithm = transaction.KeyAlgorithm,
        KeySize = transaction.KeySize,
        ChallengeMode = transaction.ChallengeMode,
        Findings = ToJson(transaction.Findings),
        DeviceId = transaction.DeviceId,
        ExpiresAt = UnixMicroseconds.From(transaction.ExpiresAt),
        Decision = transaction.Decision is { } decision ? (long)decision : null,
        DecidedBy = transaction.DecidedBy,
        DecidedAt = UnixMicroseconds.From(transaction.DecidedAt),
        DecisionReason = transaction.DecisionReason,
        IssuedSubject = transaction.IssuedSubject,
        IssuedSubjectAltNames = transaction.IssuedSubject is null ? null : ToJson(transaction.IssuedSubjectAlternativeNames) ?? "[]",
        NameFindings = ToJson(transaction.NameFindings),
    };

    public static EnrolmentTransaction ToRecord(TransactionRow row) => new()
    {
        Id = row.Id,
        Profile = row.Profile,
        TransactionId = row.TransactionId,
        MessageType = checked((int)row.MessageType),
        State = (TransactionState)row.State,
        PublicKeySha256 = row.PublicKeySha256,
        Subject = row.Subject,
        RequesterAddress = row.RequesterAddress,
        ContentEncryptionAlgorithm = row.ContentEncryptionAlgorithm,
        DigestAlgorithm = row.DigestAlgorithm,
        SignatureAlgorithm = row.SignatureAlgorithm,
        FailInfo = row.FailInfo,
        CertificationRequest = row.CertificationRequest,
        CertificateSerial = row.CertificateSerial,
        CreatedAt = UnixMicroseconds.ToDateTimeOffset(row.CreatedAt),
        UpdatedAt = UnixMicroseconds.ToDateTimeOffset(row.UpdatedAt),
        SubjectAlternativeNames = FromJson(row.SubjectAltNames),
        KeyAlgorithm = row.KeyAlgorithm,
        KeySize = row.KeySize is { } size ? checked((int)size) : null,
        ChallengeMode = row.ChallengeMode,
        Findings = FromJson(row.Findings),
        DeviceId = row.DeviceId,
        ExpiresAt = UnixMicroseconds.ToDateTimeOffset(row.ExpiresAt),
        Decision = row.Decision is { } decision ? (RequestDecision)decision : null,
        DecidedBy = row.DecidedBy,
        DecidedAt = UnixMicroseconds.ToDateTimeOffset(row.DecidedAt),
        DecisionReason = row.DecisionReason,
        IssuedSubject = row.IssuedSubject,
        IssuedSubjectAlternativeNames = FromJson(row.IssuedSubjectAltNames),
        NameFindings = FromJson(row.NameFindings),
    };

    // Most transactions are issued at once and have neither list: NULL keeps serialisation off the hot path.
    private static string? ToJson(IReadOnlyList<string> values) =>
        values.Count == 0 ? null : JsonSerializer.Serialize(values.ToArray(), NamesJson.Default.StringArray);

    private static IReadOnlyList<string> FromJson(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, NamesJson.Default.StringArray) ?? [];

    public static CertificateRow ToRow(CertificateRecord certificate) => new()
    {
        Serial = certificate.Serial,
        Profile = certificate.Profile,
        Issuer = certificate.Issuer,
        Subject = certificate.Subject,
        SubjectAltNames = JsonSerializer.Serialize(certificate.SubjectAlternativeNames.ToArray(), NamesJson.Default.StringArray),
        NotBefore = UnixMicroseconds.From(certificate.NotBefore),
        NotAfter = UnixMicroseconds.From(certificate.NotAfter),
        KeyAlgorithm = certificate.KeyAlgorithm,
        KeySize = certificate.KeySize,
        SignatureAlgorithm = certificate.SignatureAlgorithm,
        ThumbprintSha256 = certificate.ThumbprintSha256,
        PublicKeySha256 = certificate.PublicKeySha256,
        Der = certificate.Der,
        TransactionId = certificate.TransactionId,
        IssuedAt = UnixMicroseconds.From(certificate.IssuedAt),
        RevokedAt = UnixMicroseconds.From(certificate.RevokedAt),
        RevocationReason = certificate.RevocationReason,
        DeviceId = certificate.DeviceId,
        RenewalDueAt = UnixMicroseconds.From(certificate.RenewalDueAt),
        RenewalState = (long)certificate.RenewalState,
        LastRenewalAttemptAt = UnixMicroseconds.From(certificate.LastRenewalAttemptAt),
        LastRenewalResult = certificate.LastRenewalResult,
        SupersededBy = certificate.SupersededBy,
        Source = (long)certificate.Source,
    };

    public static CertificateRecord ToRecord(CertificateRow row) => new()
    {
        Serial = row.Serial,
        Profile = row.Profile,
        Issuer = row.Issuer,
        Subject = row.Subject,
        SubjectAlternativeNames = JsonSerializer.Deserialize(row.SubjectAltNames, NamesJson.Default.StringArray) ?? [],
        NotBefore = UnixMicroseconds.ToDateTimeOffset(row.NotBefore),
        NotAfter = UnixMicroseconds.ToDateTimeOffset(row.NotAfter),
        KeyAlgorithm = row.KeyAlgorithm,
        KeySize = checked((int)row.KeySize),
        SignatureAlgorithm = row.SignatureAlgorithm,
        ThumbprintSha256 = row.ThumbprintSha256,
        PublicKeySha256 = row.PublicKeySha256,
        Der = row.Der,
        TransactionId = row.TransactionId,
        IssuedAt = UnixMicroseconds.ToDateTimeOffset(row.IssuedAt),
        RevokedAt = UnixMicroseconds.ToDateTimeOffset(row.RevokedAt),
        RevocationReason = row.RevocationReason is { } reason ? checked((int)reason) : null,
        DeviceId = row.DeviceId,
        RenewalDueAt = UnixMicroseconds.ToDateTimeOffset(row.RenewalDueAt),
        RenewalState = (CertBroker.Core.Model.RenewalState)row.RenewalState,
        LastRenewalAttemptAt = UnixMicroseconds.ToDateTimeOffset(row.LastRenewalAttemptAt),
        LastRenewalResult = row.LastRenewalResult,
        SupersededBy = row.SupersededBy,
        Source = (CertificateSource)row.Source,
        Findings = FindingsJson.Read(row.Findings),
    };
}

/// <summary>The <c>findings</c> rows of a certificate as <see cref="SqliteSql.CertificateColumns"/> aggregates them.</summary>
internal static class FindingsJson
{
    /// <summary>Most severe first, then by rule id, whatever order the rows came in.</summary>
    public static IReadOnlyList<Finding> Read(string json) =>
        json is "[]"
            ? []
            : [.. (JsonSerializer.Deserialize(json, FindingsJsonContext.Default.FindingColumnsArray) ?? [])
                .Select(f => f.ToFinding())
                .OrderByDescending(f => f.Severity)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)];
}

/// <summary>One element of the aggregated findings column.</summary>
internal sealed record FindingColumns(string RuleId, int Severity, string Observed, string? Threshold, string Message)
{
    public Finding ToFinding() => new(RuleId, (FindingSeverity)Severity, Observed, Threshold, Message);
}

[JsonSerializable(typeof(FindingColumns[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class FindingsJsonContext : JsonSerializerContext;

/// <summary>Source-generated so the SAN column needs no reflection-based serializer at run time.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class NamesJson : JsonSerializerContext;
