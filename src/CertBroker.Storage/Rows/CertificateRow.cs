using CertBroker.Core.Model;

namespace CertBroker.Storage.Rows;

/// <summary>
/// A certificates row as the database holds it: timestamps in Unix microseconds, subject alternative names as a
/// JSON array. Property names are the column names in PascalCase; queries alias columns to them.
/// </summary>
internal sealed class CertificateRow
{
    public string Serial { get; set; } = "";

    public string Profile { get; set; } = "";

    public string Issuer { get; set; } = "";

    public string Subject { get; set; } = "";

    public string SubjectAltNames { get; set; } = "[]";

    public long NotBefore { get; set; }

    public long NotAfter { get; set; }

    public string KeyAlgorithm { get; set; } = "";

    public long KeySize { get; set; }

    public string SignatureAlgorithm { get; set; } = "";

    public string ThumbprintSha256 { get; set; } = "";

    public string PublicKeySha256 { get; set; } = "";

    public byte[] Der { get; set; } = [];

    public string? TransactionId { get; set; }

    public long IssuedAt { get; set; }

    public long? RevokedAt { get; set; }

    public long? RevocationReason { get; set; }

    public long? DeviceId { get; set; }

    public long? RenewalDueAt { get; set; }

    public long RenewalState { get; set; }

    public long? LastRenewalAttemptAt { get; set; }

    public string? LastRenewalResult { get; set; }

    public string? SupersededBy { get; set; }

    /// <summary><see cref="Core.Model.CertificateSource"/> as a number.</summary>
    public long Source { get; set; }

    /// <summary>Read only: the certificate's rows of <c>findings</c> as a JSON array.</summary>
    public string Findings { get; set; } = "[]";
}
