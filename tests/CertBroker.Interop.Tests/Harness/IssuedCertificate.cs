namespace CertBroker.Interop.Tests.Harness;

/// <summary>Checks on what a client received, with failure messages that carry the client's and the server's output.</summary>
public static class IssuedCertificate
{
    private const int ServerLogTail = 6000;

    /// <summary>Asserts <c>openssl verify</c> accepts the certificate against the CA from GetCACert on <paramref name="path"/>.</summary>
    public static async Task AssertVerifiesAsync(ServerFixture fixture, string path, string certificateFile, string clientOutput)
    {
        var (caFile, untrusted) = await fixture.CaFilesAsync(path);
        var verify = await OpenSsl.VerifyAsync(caFile, certificateFile, untrusted);
        Assert.True(verify.Succeeded, Evidence(fixture, $"openssl verify rejected what the client received\n{verify.Describe()}\n{clientOutput}"));
    }

    /// <summary>A failure message: what went wrong, then the end of the server's log.</summary>
    public static string Evidence(ServerFixture fixture, string what)
    {
        var log = fixture.Server.Output;
        return $"{what}\n{(log.Length > ServerLogTail ? "...\n" + log[^ServerLogTail..] : log)}";
    }
}
