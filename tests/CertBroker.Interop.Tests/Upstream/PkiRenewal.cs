using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>What <see cref="PkiRenewal.EnrolThenRenewWithoutChallengeAsync"/> did: the first enrolment and the renewal.</summary>
public sealed record PkiRenewalRuns(StrongSwanRun First, StrongSwanRun Renewal, string NewKeyFile);

/// <summary>strongSwan pki enrolling through the front, then renewing with a new key and no challenge.</summary>
public static class PkiRenewal
{
    /// <summary>
    /// Enrols <paramref name="commonName"/> with the challenge (asserting it is issued), then sends a RenewalReq for a
    /// new key signed with that certificate (<c>--cert/--key</c>) and without <c>--password</c>.
    /// </summary>
    public static async Task<PkiRenewalRuns> EnrolThenRenewWithoutChallengeAsync(UpstreamFixture fixture, string commonName, ITestOutputHelper output)
    {
        string directory = fixture.NewWorkDirectory(commonName);
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string firstKey = Path.Combine(directory, "first.key.pem");
        string secondKey = Path.Combine(directory, "second.key.pem");
        await Task.WhenAll(StrongSwanDriver.GenerateKeyAsync(firstKey), StrongSwanDriver.GenerateKeyAsync(secondKey));
        StrongSwanRun first = await StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, firstKey, "CN=" + commonName, ServerFixture.Challenge, StrongSwanCipher.Aes, Path.Combine(directory, "first.cert.pem"));
        output.WriteLine(first.Process.Describe());
        Assert.True(first.CertificateWritten, fixture.Evidence(first.Process.Describe()));

        StrongSwanRun renewal = await StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, secondKey, "CN=" + commonName, password: null, StrongSwanCipher.Aes, Path.Combine(directory, "second.cert.pem"),
            renewal: (first.CertificateFile, firstKey));
        output.WriteLine(renewal.Process.Describe());
        return new PkiRenewalRuns(first, renewal, secondKey);
    }
}
