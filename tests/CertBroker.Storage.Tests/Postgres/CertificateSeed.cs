using CertBroker.Core.Model;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>
/// Certificates written straight into a test database with plain SQL, for PostgreSQL tests that must not depend on
/// the enrolment store.
/// </summary>
internal static class CertificateSeed
{
    private const string Insert = """
        INSERT INTO certificates (
            serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
            signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, device_id,
            renewal_due_at, source)
        VALUES (
            @Serial, @Profile, @Issuer, @Subject, @SubjectAltNames, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize,
            @SignatureAlgorithm, @ThumbprintSha256, @PublicKeySha256, @Der, @TransactionId, @IssuedAt, @DeviceId,
            @RenewalDueAt, @Source)
        RETURNING id
        """;

    /// <summary>Stores <paramref name="certificate"/> as an enrolment would have, without its transaction; returns the row id.</summary>
    public static async Task<long> CertificateAsync(PostgresHarness harness, CertificateRecord certificate)
    {
        await using var connection = harness.OpenRaw();
        return await connection.ExecuteScalarAsync<long>(Insert, RowMapping.ToRow(certificate));
    }

    /// <summary>A certificate issued at <paramref name="issuedAt"/> with the given renewal due time, stored; returns it.</summary>
    public static async Task<CertificateRecord> CertificateAsync(
        PostgresHarness harness, DateTimeOffset notAfter, DateTimeOffset? dueAt = null, long? deviceId = null, DateTimeOffset? issuedAt = null)
    {
        var certificate = TestData.Certificate(notAfter: notAfter) with
        {
            NotBefore = (issuedAt ?? TestData.Now).AddMinutes(-5),
            IssuedAt = issuedAt ?? TestData.Now,
            RenewalDueAt = dueAt,
            DeviceId = deviceId,
        };
        await CertificateAsync(harness, certificate);
        return certificate;
    }

    /// <summary>Runs <paramref name="sql"/> on a plain connection and returns the single value it selects.</summary>
    public static async Task<T> ScalarAsync<T>(PostgresHarness harness, string sql, object? args = null)
    {
        await using var connection = harness.OpenRaw();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }
}
