using System.Data.Common;

namespace CertBroker.Storage.Rows;

/// <summary>The ordinals of the expiry report's columns (both databases name them alike) in one result, looked up once per reader.</summary>
internal sealed class ExpiryReportOrdinals(DbDataReader reader)
{
    public int DeviceId { get; } = reader.GetOrdinal("device_id");

    public int DeviceName { get; } = reader.GetOrdinal("device_name");

    public int Profile { get; } = reader.GetOrdinal("profile");

    public int Subject { get; } = reader.GetOrdinal("subject");

    public int SubjectAltNames { get; } = reader.GetOrdinal("subject_alt_names");

    public int Serial { get; } = reader.GetOrdinal("serial");

    public int Issuer { get; } = reader.GetOrdinal("issuer");

    public int ThumbprintSha256 { get; } = reader.GetOrdinal("thumbprint_sha256");

    public int NotBefore { get; } = reader.GetOrdinal("not_before");

    public int NotAfter { get; } = reader.GetOrdinal("not_after");

    public int RenewalDueAt { get; } = reader.GetOrdinal("renewal_due_at");

    public int LastRenewalAttemptAt { get; } = reader.GetOrdinal("last_renewal_attempt_at");

    public int LastRenewalResult { get; } = reader.GetOrdinal("last_renewal_result");

    public int KeyAlgorithm { get; } = reader.GetOrdinal("key_algorithm");

    public int KeySize { get; } = reader.GetOrdinal("key_size");

    public int SignatureAlgorithm { get; } = reader.GetOrdinal("signature_algorithm");

    public int FindingRules { get; } = reader.GetOrdinal("finding_rules");

    public int State { get; } = reader.GetOrdinal("state");
}
