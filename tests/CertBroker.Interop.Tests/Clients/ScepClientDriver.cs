using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Clients;

/// <summary>One run of scepclient and the files it left behind.</summary>
public sealed record ScepClientRun(ProcessResult Process, string KeyFile, string CertificateFile)
{
    public bool CertificateWritten => File.Exists(CertificateFile);
}

/// <summary>
/// Drives micromdm's scepclient (Debian package scep). It enrols when the directory holds only a key,
/// and sends a RenewalReq signed with the current certificate when cert.pem is already beside the key.
/// On PENDING it re-sends every 30 seconds forever, so every run is bounded by a timeout.
/// </summary>
public static class ScepClientDriver
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Creates <c>key.pem</c> in <paramref name="directory"/> the way scepclient needs it (PKCS#1).</summary>
    public static Task PrepareKeyAsync(string directory, CancellationToken cancellationToken = default) =>
        OpenSsl.GenerateRsaKeyAsync(Path.Combine(directory, "key.pem"), cancellationToken);

    /// <summary>
    /// Runs <c>scepclient</c> in <paramref name="directory"/> with <c>key.pem</c> and <c>cert.pem</c> there.
    /// Enrols if cert.pem is absent, renews if it is present.
    /// </summary>
    public static async Task<ScepClientRun> RunAsync(
        string serverUrl,
        string challenge,
        string directory,
        string commonName,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var keyFile = Path.Combine(directory, "key.pem");
        var certificateFile = Path.Combine(directory, "cert.pem");
        var result = await ExternalProcess.RunAsync(
            "scepclient",
            [
                "-server-url", serverUrl,
                "-challenge", challenge,
                "-private-key", keyFile,
                "-certificate", certificateFile,
                "-cn", commonName,
                "-debug",
            ],
            timeout ?? DefaultTimeout,
            directory,
            cancellationToken: cancellationToken);
        return new ScepClientRun(result, keyFile, certificateFile);
    }
}
