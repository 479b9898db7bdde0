using System.Security.Cryptography.X509Certificates;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Clients;

public enum StrongSwanCipher
{
    Aes,
    Des3,
}

/// <summary>
/// The files <c>pki --scepca</c> wrote, and which of them to hand to <c>pki --scep</c>:
/// <c>--cacert-enc</c> (the RA certificate to encrypt to) and <c>--cacert-sig</c> (the one that signs replies).
/// </summary>
public sealed record StrongSwanCaFiles(
    string CaFile,
    string EncryptionCertificateFile,
    string SigningCertificateFile,
    IReadOnlyList<string> RaFiles,
    ProcessResult Process);

/// <summary>One run of <c>pki --scep</c> and the certificate it printed, saved to a file.</summary>
public sealed record StrongSwanRun(ProcessResult Process, string CertificateFile)
{
    public bool CertificateWritten => Process.Succeeded && File.Exists(CertificateFile);
}

/// <summary>
/// Drives strongSwan's <c>pki</c> (Debian package strongswan-pki; libstrongswan-extra-plugins supplies curl
/// for HTTP). <c>--scepca</c> fetches CA and RA certificates, <c>--scep</c> enrols, and with <c>--cert/--key</c>
/// of the old pair it renews.
/// </summary>
public static class StrongSwanDriver
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>pki --scepca --caout ca.der --raout ra.der</c>. With several RA certificates pki numbers the files
    /// (<c>ra.der</c>, <c>ra-2.der</c>, ...) in reverse order of the PKCS#7, so the roles are told apart by key usage.
    /// </summary>
    public static async Task<StrongSwanCaFiles> FetchCaAsync(string serverUrl, string directory, CancellationToken cancellationToken = default)
    {
        var caFile = Path.Combine(directory, "ca.der");
        var result = await ExternalProcess.RunAsync(
            "pki",
            ["--scepca", "--url", serverUrl, "--caout", caFile, "--raout", Path.Combine(directory, "ra.der"), "--force"],
            Timeout,
            directory,
            cancellationToken: cancellationToken);
        if (!result.Succeeded || !File.Exists(caFile))
        {
            throw new InvalidOperationException("pki --scepca fetched no CA certificate\n" + result.Describe());
        }

        var raFiles = System.IO.Directory.GetFiles(directory, "ra*.der").Order(StringComparer.Ordinal).ToList();
        var (encryption, signing) = PickRaCertificates(caFile, raFiles);
        return new StrongSwanCaFiles(caFile, encryption, signing, raFiles, result);
    }

    /// <summary>
    /// Chooses the encryption and signing certificates: without an RA both are the CA, a single RA
    /// certificate serves both, and of several the encryption one has keyEncipherment and the signing one
    /// digitalSignature (an NDES-style pair).
    /// </summary>
    public static (string Encryption, string Signing) PickRaCertificates(string caFile, IReadOnlyList<string> raFiles)
    {
        switch (raFiles.Count)
        {
            case 0:
                return (caFile, caFile);
            case 1:
                return (raFiles[0], raFiles[0]);
        }

        var usages = raFiles.ToDictionary(f => f, f => KeyUsageOf(OpenSsl.Load(f)));
        var encryption = raFiles.FirstOrDefault(f => Allows(usages[f], X509KeyUsageFlags.KeyEncipherment) && !Allows(usages[f], X509KeyUsageFlags.DigitalSignature))
            ?? raFiles.FirstOrDefault(f => Allows(usages[f], X509KeyUsageFlags.KeyEncipherment))
            ?? throw new InvalidOperationException($"None of {string.Join(", ", raFiles)} has keyEncipherment");
        var signing = raFiles.FirstOrDefault(f => Allows(usages[f], X509KeyUsageFlags.DigitalSignature) && !Allows(usages[f], X509KeyUsageFlags.KeyEncipherment))
            ?? raFiles.FirstOrDefault(f => Allows(usages[f], X509KeyUsageFlags.DigitalSignature))
            ?? throw new InvalidOperationException($"None of {string.Join(", ", raFiles)} has digitalSignature");
        return (encryption, signing);
    }

    /// <summary><c>pki --gen --type rsa --size 2048 --outform pem</c>.</summary>
    public static async Task GenerateKeyAsync(string keyFile, CancellationToken cancellationToken = default)
    {
        var result = await ExternalProcess.RunAsync(
            "pki", ["--gen", "--type", "rsa", "--size", "2048", "--outform", "pem"], Timeout, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("pki --gen failed\n" + result.Describe());
        }

        await File.WriteAllTextAsync(keyFile, result.StandardOutput, cancellationToken);
    }

    /// <summary>
    /// <c>pki --scep</c> for <paramref name="keyFile"/>; with <paramref name="renewal"/> it adds <c>--cert/--key</c> of
    /// the pair being replaced, so the request is signed with the old certificate. Without <paramref name="password"/>
    /// the request carries no challengePassword. Polls every 2 s for at most
    /// 30 s on PENDING. The PEM certificate pki prints is saved to <paramref name="certificateFile"/>.
    /// </summary>
    public static async Task<StrongSwanRun> EnrolAsync(
        string serverUrl,
        StrongSwanCaFiles ca,
        string keyFile,
        string distinguishedName,
        string? password,
        StrongSwanCipher cipher,
        string certificateFile,
        (string CertificateFile, string KeyFile)? renewal = null,
        CancellationToken cancellationToken = default,
        IReadOnlyList<string>? subjectAltNames = null)
    {
        var arguments = new List<string>
        {
            "--scep", "--url", serverUrl,
            "--in", keyFile,
            "--dn", distinguishedName,
            "--cacert-enc", ca.EncryptionCertificateFile,
            "--cacert-sig", ca.SigningCertificateFile,
            "--cacert", ca.CaFile,
            "--cipher", cipher == StrongSwanCipher.Aes ? "aes" : "des3",
            "--interval", "2",
            "--maxpolltime", "30",
            "--outform", "pem",
        };
        if (password is not null)
        {
            arguments.AddRange(["--password", password]);
        }

        foreach (string name in subjectAltNames ?? [])
        {
            arguments.AddRange(["--san", name]);
        }

        if (renewal is { } old)
        {
            arguments.AddRange(["--cert", old.CertificateFile, "--key", old.KeyFile]);
        }

        var result = await ExternalProcess.RunAsync("pki", arguments, Timeout, Path.GetDirectoryName(certificateFile), cancellationToken: cancellationToken);
        if (result.Succeeded && result.StandardOutput.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(certificateFile, result.StandardOutput, cancellationToken);
        }

        return new StrongSwanRun(result, certificateFile);
    }

    private static X509KeyUsageFlags? KeyUsageOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages;

    // No keyUsage extension means no restriction.
    private static bool Allows(X509KeyUsageFlags? usage, X509KeyUsageFlags flag) => usage is null || usage.Value.HasFlag(flag);
}
