using CertBroker.Core.Model;
using CertBroker.Core.Names;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Enrolment;

/// <summary>What a refused anonymous request leaves in the store: a bounded summary, never its CSR.</summary>
public sealed class RefusalStorageTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_WrongChallengeWithAHugeSubject_StoresNoCsrAndACutSubject()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        string huge = "CN=" + new string('x', 60) + ", OU=" + string.Join(", OU=", Enumerable.Range(0, 200).Select(i => $"unit-{i:000}"));

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(huge, "wrong"), transactionId: "huge-refused");
        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);

        EnrolmentTransaction? stored = await scep.Stores.Enrolments.FindTransactionAsync(scep.Profile.Name, "huge-refused", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Null(stored.CertificationRequest);
        Assert.True(stored.Subject.Length <= Printable.MaxLength + 1, $"{stored.Subject.Length} characters stored");
    }
}
