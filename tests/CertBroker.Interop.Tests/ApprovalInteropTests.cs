using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

// Manual approval with the real clients. Each class has its own broker (Approval=Manual on the default profile)
// and runs its approval and its rejection side by side, so the three clients' waits overlap instead of adding up.

/// <summary>
/// micromdm scepclient in its PENDING loop: it re-sends the identical PKCSReq every 30 s (no flag shortens it), so
/// each case waits for one re-send after the decision.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class ScepClientApprovalTests(ManualApprovalFixture fixture, ITestOutputHelper output) : IClassFixture<ManualApprovalFixture>
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(100);
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PendingLoop_ApprovedOrRejected_EndsWithCertificateOrFailure()
    {
        using var admin = fixture.NewAdminClient();
        string approvedDirectory = fixture.NewWorkDirectory("scepclient-approved");
        string rejectedDirectory = fixture.NewWorkDirectory("scepclient-rejected");
        await fixture.Keys.TakeAsync(Path.Combine(approvedDirectory, "key.pem"));
        await fixture.Keys.TakeAsync(Path.Combine(rejectedDirectory, "key.pem"));
        string url = fixture.Server.Url("/scep");

        Task<ScepClientRun> approvedRun = ScepClientDriver.RunAsync(url, ServerFixture.Challenge, approvedDirectory, "scepclient-approve-me", ClientTimeout);
        Task<ScepClientRun> rejectedRun = ScepClientDriver.RunAsync(url, ServerFixture.Challenge, rejectedDirectory, "scepclient-reject-me", ClientTimeout);
        (long approveId, _) = await admin.WaitForPendingAsync("scepclient-approve-me", QueueTimeout, () => fixture.Server.Output);
        (long rejectId, _) = await admin.WaitForPendingAsync("scepclient-reject-me", QueueTimeout, () => fixture.Server.Output);
        Assert.False(approvedRun.IsCompleted, "scepclient stopped although its request is pending");
        await admin.ApproveAsync(approveId);
        await admin.RejectAsync(rejectId, "Interop test: not this one.");

        ScepClientRun approved = await approvedRun;
        ScepClientRun rejected = await rejectedRun;
        output.WriteLine(approved.Process.Describe());
        output.WriteLine(rejected.Process.Describe());

        Assert.True(approved.Process.Succeeded && approved.CertificateWritten, IssuedCertificate.Evidence(fixture, approved.Process.Describe()));
        await IssuedCertificate.AssertVerifiesAsync(fixture, "/scep", approved.CertificateFile, approved.Process.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(approved.KeyFile), (await OpenSsl.ReadCertificateAsync(approved.CertificateFile)).PublicKeySha256);
        Assert.False(rejected.Process.TimedOut, IssuedCertificate.Evidence(fixture, "scepclient kept waiting after the rejection\n" + rejected.Process.Describe()));
        Assert.NotEqual(0, rejected.Process.ExitCode);
        Assert.False(rejected.CertificateWritten, "scepclient wrote a certificate for a rejected request");
    }
}

/// <summary>certmonger: CA_WORKING while pending, then MONITORING or CA_REJECTED after <c>getcert resubmit</c>.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class CertmongerApprovalTests(ManualApprovalFixture fixture, ITestOutputHelper output) : IClassFixture<ManualApprovalFixture>
{
    private const string CaName = "broker";
    private static readonly TimeSpan PendingWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResubmitWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Resubmit_AfterApproval_ReachesMonitoring()
    {
        using var admin = fixture.NewAdminClient();
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync(CaName, fixture.Server.Url("/scep"));

        CertmongerRun pending = await certmonger.RequestAsync(CaName, "approved", "CN=certmonger-approve-me", ServerFixture.Challenge, PendingWait);
        output.WriteLine(pending.Describe());
        Assert.True(pending.State.Status == "CA_WORKING", IssuedCertificate.Evidence(fixture, pending.Describe() + "\n" + certmonger.DaemonLog));
        Assert.Equal(5, pending.Process.ExitCode);
        (long id, _) = await admin.WaitForPendingAsync("certmonger-approve-me", PendingWait, () => fixture.Server.Output);
        await admin.ApproveAsync(id);

        CertmongerRun issued = await certmonger.ResubmitAsync("approved", ResubmitWait);
        output.WriteLine(issued.Describe());

        Assert.True(issued.Issued, IssuedCertificate.Evidence(fixture, issued.Describe() + "\n" + certmonger.DaemonLog));
        await IssuedCertificate.AssertVerifiesAsync(fixture, "/scep", issued.CertificateFile, issued.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(issued.KeyFile), (await OpenSsl.ReadCertificateAsync(issued.CertificateFile)).PublicKeySha256);
    }

    [Fact]
    public async Task Resubmit_AfterRejection_EndsRejected()
    {
        using var admin = fixture.NewAdminClient();
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync(CaName, fixture.Server.Url("/scep"));

        CertmongerRun pending = await certmonger.RequestAsync(CaName, "rejected", "CN=certmonger-reject-me", ServerFixture.Challenge, PendingWait);
        output.WriteLine(pending.Describe());
        Assert.True(pending.State.Status == "CA_WORKING", IssuedCertificate.Evidence(fixture, pending.Describe() + "\n" + certmonger.DaemonLog));
        (long id, _) = await admin.WaitForPendingAsync("certmonger-reject-me", PendingWait, () => fixture.Server.Output);
        await admin.RejectAsync(id, "Interop test: not this one.");

        CertmongerRun rejected = await certmonger.ResubmitAsync("rejected", ResubmitWait);
        output.WriteLine(rejected.Describe());

        Assert.True(rejected.State.Status == "CA_REJECTED", IssuedCertificate.Evidence(fixture, rejected.Describe() + "\n" + certmonger.DaemonLog));
        Assert.False(File.Exists(rejected.CertificateFile), "certmonger saved a certificate for a rejected request");
    }
}

/// <summary>strongSwan <c>pki --scep</c>: CertPoll every <c>--interval</c> (2 s) until the decision.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class StrongSwanApprovalTests(ManualApprovalFixture fixture, ITestOutputHelper output) : IClassFixture<ManualApprovalFixture>
{
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CertPoll_ApprovedOrRejected_EndsWithCertificateOrFailure()
    {
        using var admin = fixture.NewAdminClient();
        string directory = fixture.NewWorkDirectory("pki-approval");
        string url = fixture.Server.Url("/scep");
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(url, directory);
        string approvedKey = Path.Combine(directory, "approved.key.pem");
        string rejectedKey = Path.Combine(directory, "rejected.key.pem");
        await Task.WhenAll(StrongSwanDriver.GenerateKeyAsync(approvedKey), StrongSwanDriver.GenerateKeyAsync(rejectedKey));

        Task<StrongSwanRun> approvedRun = StrongSwanDriver.EnrolAsync(
            url, ca, approvedKey, "CN=pki-approve-me", ServerFixture.Challenge, StrongSwanCipher.Aes, Path.Combine(directory, "approved.cert.pem"));
        Task<StrongSwanRun> rejectedRun = StrongSwanDriver.EnrolAsync(
            url, ca, rejectedKey, "CN=pki-reject-me", ServerFixture.Challenge, StrongSwanCipher.Des3, Path.Combine(directory, "rejected.cert.pem"));
        (long approveId, _) = await admin.WaitForPendingAsync("pki-approve-me", QueueTimeout, () => fixture.Server.Output);
        (long rejectId, _) = await admin.WaitForPendingAsync("pki-reject-me", QueueTimeout, () => fixture.Server.Output);
        await admin.ApproveAsync(approveId);
        await admin.RejectAsync(rejectId, "Interop test: not this one.");

        StrongSwanRun approved = await approvedRun;
        StrongSwanRun rejected = await rejectedRun;
        output.WriteLine(approved.Process.Describe());
        output.WriteLine(rejected.Process.Describe());

        Assert.True(approved.CertificateWritten, IssuedCertificate.Evidence(fixture, approved.Process.Describe()));
        await IssuedCertificate.AssertVerifiesAsync(fixture, "/scep", approved.CertificateFile, approved.Process.Describe());
        Assert.False(rejected.Process.TimedOut, IssuedCertificate.Evidence(fixture, "pki kept polling after the rejection\n" + rejected.Process.Describe()));
        Assert.NotEqual(0, rejected.Process.ExitCode);
        Assert.False(rejected.CertificateWritten, "pki printed a certificate for a rejected request");
    }
}
