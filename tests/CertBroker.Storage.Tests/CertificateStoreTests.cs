namespace CertBroker.Storage.Tests;

/// <summary>ICertificateStore behaviour every database must show; run through one subclass per database.</summary>
public abstract class CertificateStoreTests : StoreTestBase
{
    [Fact]
    public async Task FindBySerialAsync_UnknownSerial_ReturnsNull()
    {
        await IssueAsync();

        Assert.Null(await Certificates.FindBySerialAsync(TestData.NewSerial(), CancellationToken.None));
    }

    [Fact]
    public async Task FindBySerialAsync_UpperCaseHex_FindsCertificate()
    {
        var (_, certificate) = await IssueAsync();

        var found = await Certificates.FindBySerialAsync(certificate.Serial.ToUpperInvariant(), CancellationToken.None);

        RecordAssert.SameCertificate(certificate, found);
    }

    [Fact]
    public async Task FindByThumbprintAsync_KnownThumbprint_ReturnsCertificate()
    {
        await IssueAsync();
        var (_, certificate) = await IssueAsync();

        var found = await Certificates.FindByThumbprintAsync(certificate.ThumbprintSha256, CancellationToken.None);

        RecordAssert.SameCertificate(certificate, found);
        Assert.Null(await Certificates.FindByThumbprintAsync(new string('0', 64), CancellationToken.None));
    }

    [Fact]
    public async Task RevokeAsync_IssuedCertificate_RecordsDateAndReason()
    {
        var (_, certificate) = await IssueAsync();
        var revokedAt = TestData.Now.AddDays(10);

        Assert.True(await Certificates.RevokeAsync(certificate.Serial, 1, revokedAt, CancellationToken.None));

        var found = await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None);
        RecordAssert.SameCertificate(certificate with { RevokedAt = revokedAt, RevocationReason = 1 }, found);
    }

    [Fact]
    public async Task RevokeAsync_UnknownSerial_ReturnsFalse()
    {
        await IssueAsync();

        Assert.False(await Certificates.RevokeAsync(TestData.NewSerial(), 1, TestData.Now, CancellationToken.None));
        Assert.Empty(await Certificates.ListRevokedAsync(TestData.Now, CancellationToken.None));
    }

    [Fact]
    public async Task RevokeAsync_ReasonNotInRfc5280_ThrowsAndRevokesNothing()
    {
        var (_, certificate) = await IssueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Certificates.RevokeAsync(certificate.Serial, 7, TestData.Now, CancellationToken.None));

        Assert.Null((await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None))!.RevokedAt);
    }

    [Fact]
    public async Task ListRevokedAsync_MixedCertificates_ReturnsOnlyRevokedUnexpiredInRevocationOrder()
    {
        var at = TestData.Now.AddDays(30);
        var (_, expired) = await IssueAsync(notAfter: at.AddTicks(-10));
        var (_, expiresNow) = await IssueAsync(notAfter: at);
        var (_, later) = await IssueAsync(notAfter: at.AddDays(300));
        var (_, valid) = await IssueAsync(notAfter: at.AddDays(300));
        await Certificates.RevokeAsync(expired.Serial, 1, TestData.Now.AddDays(1), CancellationToken.None);
        await Certificates.RevokeAsync(later.Serial, 4, TestData.Now.AddDays(2), CancellationToken.None);
        await Certificates.RevokeAsync(expiresNow.Serial, 5, TestData.Now.AddDays(3), CancellationToken.None);

        var revoked = await Certificates.ListRevokedAsync(at, CancellationToken.None);

        Assert.Equal([later.Serial, expiresNow.Serial], revoked.Select(c => c.Serial));
        Assert.Equal([4, 5], revoked.Select(c => c.RevocationReason));
        Assert.DoesNotContain(revoked, c => c.Serial == valid.Serial);
    }
}
