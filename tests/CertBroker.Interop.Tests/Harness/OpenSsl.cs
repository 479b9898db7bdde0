using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>What a certificate says about itself, read by openssl.</summary>
public sealed record CertificateFacts(string Subject, string Serial, string PublicKeySha256);

/// <summary>The openssl command line: what a person would use to check what a client received.</summary>
public static class OpenSsl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A 2048-bit RSA key in PKCS#1 PEM (<c>BEGIN RSA PRIVATE KEY</c>), the only form scepclient reads.</summary>
    public static Task GenerateRsaKeyAsync(string keyFile, CancellationToken cancellationToken = default) =>
        GenerateRsaKeyAsync(keyFile, 2048, cancellationToken);

    /// <summary>An RSA key of <paramref name="bits"/> bits in PKCS#1 form, for keys the pool does not hold (short ones).</summary>
    public static async Task GenerateRsaKeyAsync(string keyFile, int bits, CancellationToken cancellationToken = default)
    {
        var result = await ExternalProcess.RunAsync(
            "openssl", ["genrsa", "-traditional", "-out", keyFile, bits.ToString(System.Globalization.CultureInfo.InvariantCulture)], Timeout, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("openssl genrsa failed\n" + result.Describe());
        }
    }

    /// <summary><c>openssl verify -CAfile ca.pem [-untrusted intermediates.pem] cert.pem</c>.</summary>
    public static Task<ProcessResult> VerifyAsync(string caFile, string certificateFile, string? untrustedFile = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "verify", "-CAfile", caFile };
        if (untrustedFile is not null)
        {
            arguments.AddRange(["-untrusted", untrustedFile]);
        }

        arguments.Add(certificateFile);
        return ExternalProcess.RunAsync("openssl", arguments, Timeout, cancellationToken: cancellationToken);
    }

    /// <summary>Subject (RFC 2253), serial (hex) and a hash of the public key of a PEM or DER certificate.</summary>
    public static async Task<CertificateFacts> ReadCertificateAsync(string certificateFile, CancellationToken cancellationToken = default)
    {
        var form = LooksLikePem(certificateFile) ? "PEM" : "DER";
        var facts = await ExternalProcess.RunAsync(
            "openssl",
            ["x509", "-inform", form, "-in", certificateFile, "-noout", "-subject", "-serial", "-nameopt", "RFC2253"],
            Timeout,
            cancellationToken: cancellationToken);
        var publicKey = await ExternalProcess.RunAsync(
            "openssl", ["x509", "-inform", form, "-in", certificateFile, "-noout", "-pubkey"], Timeout, cancellationToken: cancellationToken);
        if (!facts.Succeeded || !publicKey.Succeeded)
        {
            throw new InvalidOperationException($"openssl could not read {certificateFile}\n{facts.Describe()}\n{publicKey.Describe()}");
        }

        string Field(string name) =>
            facts.StandardOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..]
            ?? throw new InvalidOperationException($"openssl printed no {name} for {certificateFile}\n{facts.Describe()}");

        return new CertificateFacts(Field("subject"), Field("serial"), Sha256Hex(publicKey.StandardOutput.Trim()));
    }

    /// <summary>The public key of a PEM private key, hashed the same way as <see cref="CertificateFacts.PublicKeySha256"/>.</summary>
    public static async Task<string> ReadPublicKeyOfPrivateKeyAsync(string keyFile, CancellationToken cancellationToken = default)
    {
        var result = await ExternalProcess.RunAsync("openssl", ["pkey", "-in", keyFile, "-pubout"], Timeout, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"openssl could not read {keyFile}\n{result.Describe()}");
        }

        return Sha256Hex(result.StandardOutput.Trim());
    }

    /// <summary>Loads a PEM or DER certificate file into .NET, e.g. to look at its key usage.</summary>
    public static X509Certificate2 Load(string certificateFile) =>
        LooksLikePem(certificateFile)
            ? X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile))
            : X509CertificateLoader.LoadCertificateFromFile(certificateFile);

    private static bool LooksLikePem(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> start = stackalloc byte[11];
        var read = stream.Read(start);
        return start[..read].SequenceEqual("-----BEGIN "u8[..read]);
    }

    private static string Sha256Hex(string text) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(text)));
}
