using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>IEnrolmentStore behaviour every database must show; run through one subclass per database.</summary>
public abstract class EnrolmentStoreTests : StoreTestBase
{
    [Fact]
    public async Task SaveTransactionAsync_NewPendingTransaction_RoundTripsEveryField()
    {
        var transaction = TestData.Transaction();

        Assert.True(await Enrolments.SaveTransactionAsync(transaction, CancellationToken.None));

        var found = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(transaction, found);
        Assert.True(found!.Id > 0);
    }

    [Fact]
    public async Task DeleteFailedAsync_OldFailedTransactions_DeletedAndTheRestKept()
    {
        var cleanup = Assert.IsAssignableFrom<Core.Renewal.ITransactionCleanup>(Enrolments);
        var oldFailed = TestData.Transaction("old-failed", TransactionState.Failed);
        var newFailed = TestData.Transaction("new-failed", TransactionState.Failed) with { UpdatedAt = TestData.Now.AddDays(40) };
        var oldPending = TestData.Transaction("old-pending");
        foreach (var transaction in new[] { oldFailed, newFailed, oldPending })
        {
            await Enrolments.SaveTransactionAsync(transaction, CancellationToken.None);
        }

        int deleted = await cleanup.DeleteFailedAsync(TestData.Now.AddDays(30), 100, CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Null(await Enrolments.FindTransactionAsync(oldFailed.Profile, oldFailed.TransactionId, CancellationToken.None));
        Assert.NotNull(await Enrolments.FindTransactionAsync(newFailed.Profile, newFailed.TransactionId, CancellationToken.None));
        Assert.NotNull(await Enrolments.FindTransactionAsync(oldPending.Profile, oldPending.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveTransactionAsync_OptionalFieldsNull_ReadsBackNull()
    {
        var transaction = TestData.Transaction() with
        {
            RequesterAddress = null,
            ContentEncryptionAlgorithm = null,
            DigestAlgorithm = null,
            SignatureAlgorithm = null,
            FailInfo = null,
            CertificationRequest = null,
            CertificateSerial = null,
        };

        await Enrolments.SaveTransactionAsync(transaction, CancellationToken.None);

        var found = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(transaction, found);
    }

    [Fact]
    public async Task FindTransactionAsync_OtherProfileSameTransactionId_ReturnsNull()
    {
        var transaction = TestData.Transaction();
        await Enrolments.SaveTransactionAsync(transaction, CancellationToken.None);

        Assert.Null(await Enrolments.FindTransactionAsync("servers", transaction.TransactionId, CancellationToken.None));
        Assert.Null(await Enrolments.FindTransactionAsync(transaction.Profile, "unknown", CancellationToken.None));
    }

    [Fact]
    public async Task SaveTransactionAsync_PendingThenFailed_UpdatesFieldsAndKeepsCreatedAt()
    {
        var pending = TestData.Transaction();
        await Enrolments.SaveTransactionAsync(pending, CancellationToken.None);
        var failed = pending with
        {
            State = TransactionState.Failed,
            FailInfo = "badMessageCheck",
            MessageType = 17,
            CreatedAt = pending.CreatedAt.AddHours(1),
            UpdatedAt = pending.UpdatedAt.AddHours(1),
        };

        Assert.True(await Enrolments.SaveTransactionAsync(failed, CancellationToken.None));

        var found = await Enrolments.FindTransactionAsync(pending.Profile, pending.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(failed with { CreatedAt = pending.CreatedAt }, found);
    }

    [Fact]
    public async Task SaveTransactionAsync_TransactionAlreadyIssued_ReturnsFalseAndKeepsIssued()
    {
        var (transaction, certificate) = await IssueAsync();
        var before = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);

        var saved = await Enrolments.SaveTransactionAsync(
            transaction with { State = TransactionState.Failed, FailInfo = "badRequest", UpdatedAt = TestData.Now.AddDays(1) },
            CancellationToken.None);

        Assert.False(saved);
        var after = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(before!, after);
        Assert.Equal(TransactionState.Issued, after!.State);
        Assert.Equal(certificate.Serial, after.CertificateSerial);
    }

    [Fact]
    public async Task SaveTransactionAsync_IssuedState_ThrowsArgumentException()
    {
        var transaction = TestData.Transaction(state: TransactionState.Issued);

        await Assert.ThrowsAsync<ArgumentException>(
            () => Enrolments.SaveTransactionAsync(transaction, CancellationToken.None));
        Assert.Null(await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_WithFindings_StoresEachWithTheCertificate()
    {
        Finding[] findings =
        [
            new("WC-RSA-01", FindingSeverity.Warn, "1024 bits", ">= 2048 bits", "RSA key 1024 bits < 2048"),
            new("WC-SIG-01", FindingSeverity.Info, "SHA-1", null, "Request signed with SHA-1"),
        ];
        CertificateRecord certificate = TestData.Certificate() with { Findings = findings };

        await Enrolments.SaveIssuedAsync(TestData.Transaction(), certificate, CancellationToken.None);

        CertificateRecord? stored = await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(findings.OrderBy(f => f.RuleId), (stored.Findings ?? []).OrderBy(f => f.RuleId));
    }

    [Fact]
    public async Task SaveIssuedAsync_NewTransaction_StoresBothRecordsWithEveryField()
    {
        var transaction = TestData.Transaction();
        var certificate = TestData.Certificate(transactionId: transaction.TransactionId) with
        {
            RevokedAt = TestData.Now.AddDays(3),
            RevocationReason = 4,
        };

        var outcome = await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);

        Assert.False(outcome.AlreadyIssued);
        RecordAssert.SameCertificate(certificate, outcome.Certificate);
        RecordAssert.SameCertificate(certificate, await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
        var stored = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(
            transaction with { State = TransactionState.Issued, CertificateSerial = certificate.Serial }, stored);
    }

    [Fact]
    public async Task SaveIssuedAsync_PendingTransaction_BecomesIssuedAndKeepsItsId()
    {
        var pending = TestData.Transaction();
        await Enrolments.SaveTransactionAsync(pending, CancellationToken.None);
        var pendingId = (await Enrolments.FindTransactionAsync(pending.Profile, pending.TransactionId, CancellationToken.None))!.Id;
        var certificate = TestData.Certificate(transactionId: pending.TransactionId);

        await Enrolments.SaveIssuedAsync(pending with { UpdatedAt = TestData.Now.AddHours(2) }, certificate, CancellationToken.None);

        var issued = await Enrolments.FindTransactionAsync(pending.Profile, pending.TransactionId, CancellationToken.None);
        Assert.Equal(pendingId, issued!.Id);
        Assert.Equal(TransactionState.Issued, issued.State);
        Assert.Equal(certificate.Serial, issued.CertificateSerial);
        RecordAssert.SameInstant(TestData.Now.AddHours(2), issued.UpdatedAt);
    }

    [Fact]
    public async Task SaveIssuedAsync_CertificateWithoutTransactionId_StoresTheTransactionsId()
    {
        var transaction = TestData.Transaction();
        var certificate = TestData.Certificate(transactionId: null);

        var outcome = await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);

        Assert.Equal(transaction.TransactionId, outcome.Certificate.TransactionId);
        var stored = await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None);
        Assert.Equal(transaction.TransactionId, stored!.TransactionId);
    }

    [Fact]
    public async Task SaveIssuedAsync_SameTransactionTwice_ReturnsFirstCertificateAsAlreadyIssued()
    {
        var (transaction, first) = await IssueAsync();
        var second = TestData.Certificate(transactionId: transaction.TransactionId);

        var outcome = await Enrolments.SaveIssuedAsync(transaction, second, CancellationToken.None);

        Assert.True(outcome.AlreadyIssued);
        RecordAssert.SameCertificate(first, outcome.Certificate);
        Assert.Null(await Certificates.FindBySerialAsync(second.Serial, CancellationToken.None));
        var stored = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(first.Serial, stored!.CertificateSerial);
    }

    [Fact]
    public async Task SaveIssuedAsync_SerialTakenByAnotherTransaction_ThrowsAndLeavesPendingTransactionUnchanged()
    {
        var (_, taken) = await IssueAsync();
        var pending = TestData.Transaction();
        await Enrolments.SaveTransactionAsync(pending, CancellationToken.None);
        var before = await Enrolments.FindTransactionAsync(pending.Profile, pending.TransactionId, CancellationToken.None);
        var clash = TestData.Certificate(serial: taken.Serial, transactionId: pending.TransactionId);

        var exception = await Assert.ThrowsAsync<DuplicateSerialException>(
            () => Enrolments.SaveIssuedAsync(pending, clash, CancellationToken.None));

        Assert.Equal(taken.Serial, exception.Serial);
        var after = await Enrolments.FindTransactionAsync(pending.Profile, pending.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(before!, after);
        RecordAssert.SameCertificate(taken, await Certificates.FindBySerialAsync(taken.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_SerialTakenForUnknownTransaction_ThrowsAndWritesNoTransaction()
    {
        var (_, taken) = await IssueAsync();
        var fresh = TestData.Transaction();

        await Assert.ThrowsAsync<DuplicateSerialException>(() => Enrolments.SaveIssuedAsync(
            fresh, TestData.Certificate(serial: taken.Serial, transactionId: fresh.TransactionId), CancellationToken.None));

        Assert.Null(await Enrolments.FindTransactionAsync(fresh.Profile, fresh.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_SerialTakenInOtherCase_ThrowsDuplicateSerial()
    {
        var (_, taken) = await IssueAsync();
        var fresh = TestData.Transaction();

        await Assert.ThrowsAsync<DuplicateSerialException>(() => Enrolments.SaveIssuedAsync(
            fresh, TestData.Certificate(serial: taken.Serial.ToUpperInvariant()), CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_ThumbprintTakenUnderAnotherSerial_ThrowsAndWritesNothing()
    {
        var (_, taken) = await IssueAsync();
        var fresh = TestData.Transaction();
        var clash = TestData.Certificate() with { ThumbprintSha256 = taken.ThumbprintSha256 };

        await Assert.ThrowsAsync<DuplicateSerialException>(
            () => Enrolments.SaveIssuedAsync(fresh, clash, CancellationToken.None));

        Assert.Null(await Certificates.FindBySerialAsync(clash.Serial, CancellationToken.None));
        Assert.Null(await Enrolments.FindTransactionAsync(fresh.Profile, fresh.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_CertificateForOtherProfile_ThrowsArgumentException()
    {
        var transaction = TestData.Transaction();

        await Assert.ThrowsAsync<ArgumentException>(() => Enrolments.SaveIssuedAsync(
            transaction, TestData.Certificate(profile: "servers"), CancellationToken.None));

        Assert.Null(await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_SerialRejectedThenRetriedWithFreshSerial_Succeeds()
    {
        var (_, taken) = await IssueAsync();
        var transaction = TestData.Transaction();
        await Assert.ThrowsAsync<DuplicateSerialException>(() => Enrolments.SaveIssuedAsync(
            transaction, TestData.Certificate(serial: taken.Serial), CancellationToken.None));

        var retry = TestData.Certificate(transactionId: transaction.TransactionId);
        var outcome = await Enrolments.SaveIssuedAsync(transaction, retry, CancellationToken.None);

        Assert.False(outcome.AlreadyIssued);
        Assert.Equal(retry.Serial, outcome.Certificate.Serial);
    }

    [Fact]
    public async Task SaveIssuedAsync_TransactionRowRejectedByDatabase_KeepsNoCertificateAndStoreStaysUsable()
    {
        // A null subject passes the compiler but not the schema: the certificate row is written first, then the
        // transaction row fails, and the certificate must go with it.
        var broken = TestData.Transaction() with { Subject = null! };
        var certificate = TestData.Certificate(transactionId: broken.TransactionId);

        await Assert.ThrowsAnyAsync<Exception>(() => Enrolments.SaveIssuedAsync(broken, certificate, CancellationToken.None));

        Assert.Null(await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
        Assert.Null(await Enrolments.FindTransactionAsync(broken.Profile, broken.TransactionId, CancellationToken.None));
        var retry = await Enrolments.SaveIssuedAsync(broken with { Subject = "CN=fixed" }, certificate, CancellationToken.None);
        Assert.False(retry.AlreadyIssued);
    }
}
