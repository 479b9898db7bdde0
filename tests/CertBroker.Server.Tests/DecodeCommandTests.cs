using System.Security.Cryptography;
using CertBroker.Scep;
using CertBroker.Scep.Cms;
using CertBroker.Server.Cli;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary><c>certbroker decode</c>: what an admin sees of a captured PKIMessage.</summary>
public sealed class DecodeCommandTests(BrokerFactory factory) : IClassFixture<BrokerFactory>, IDisposable
{
    private const string Subject = "CN=captured-device, O=Acme";
    private const string Challenge = "capture-challenge-7f3a";

    private readonly TempDirectory _directory = new();

    private string RaEncryptionKey => Path.Combine(factory.DataDir, "ca", "ra-encryption-key.pem");

    [Fact]
    public async Task Run_WithoutRaKey_PrintsMessageTypeTransactionIdAndCipher()
    {
        (FileInfo file, string transactionId) = await CaptureAsync("der");

        (int status, string output) = Decode(file, raKey: null);

        Assert.Equal(0, status);
        Assert.Contains("Message type:         PKCSReq (19)", output, StringComparison.Ordinal);
        Assert.Contains($"Transaction ID:       {transactionId}", output, StringComparison.Ordinal);
        Assert.Contains("Content encryption:   AES-128-CBC", output, StringComparison.Ordinal);
        Assert.Contains("Signature:            RSA-PKCS1 with SHA-256, valid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CSR subject", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Challenge, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("der")]
    [InlineData("base64")]
    [InlineData("get-query")]
    public async Task Run_WithRaKey_PrintsCsrSubjectButNotTheChallenge(string format)
    {
        (FileInfo file, string transactionId) = await CaptureAsync(format);

        (int status, string output) = Decode(file, new FileInfo(RaEncryptionKey));

        Assert.Equal(0, status);
        Assert.Contains("Message type:         PKCSReq (19)", output, StringComparison.Ordinal);
        Assert.Contains($"Transaction ID:       {transactionId}", output, StringComparison.Ordinal);
        Assert.Contains("Decrypted with:       AES-128-CBC", output, StringComparison.Ordinal);
        Assert.Contains($"CSR subject:          {Subject}", output, StringComparison.Ordinal);
        Assert.Contains("CSR challenge:        present", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Challenge, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAnotherKey_SaysTheEnvelopeWasNotOpened()
    {
        (FileInfo file, _) = await CaptureAsync("der");
        var wrongKey = new FileInfo(Path.Combine(factory.DataDir, "ca", "ra-signing-key.pem"));

        (int status, string output) = Decode(file, wrongKey);

        Assert.Equal(3, status);
        Assert.Contains("Envelope not opened:  badMessageCheck", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Challenge, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnsupportedSignatureDigest_SaysSoWithStatus2()
    {
        // The diagnosis tool is for exactly the messages the service refuses, such as one signed with SHA-224.
        (FileInfo file, _) = await CaptureAsync("der");
        byte[] message = await File.ReadAllBytesAsync(file.FullName);
        byte[] sha256 = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
        int patched = 0;
        for (int i = message.AsSpan().IndexOf(sha256); i >= 0; i = message.AsSpan().IndexOf(sha256))
        {
            message[i + sha256.Length - 1] = 0x04; // id-sha224
            patched++;
        }

        Assert.True(patched >= 2, "digestAlgorithms and the SignerInfo digestAlgorithm both name SHA-256");
        await File.WriteAllBytesAsync(file.FullName, message);

        (int status, string output) = Decode(file, new FileInfo(RaEncryptionKey));

        Assert.Equal(2, status);
        Assert.StartsWith("Not a readable PKIMessage", output, StringComparison.Ordinal);
        Assert.Contains("2.16.840.1.101.3.4.2.4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NotAMessage_SaysSoWithStatus2()
    {
        string path = Path.Combine(_directory.Path, "junk.txt");
        File.WriteAllText(path, "this is not a SCEP message");

        (int status, string output) = Decode(new FileInfo(path), raKey: null);

        Assert.Equal(2, status);
        Assert.StartsWith("Not a", output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static (int Status, string Output) Decode(FileInfo file, FileInfo? raKey)
    {
        using var output = new StringWriter();
        int status = DecodeCommand.Run(file, raKey, raCertFile: null, output);
        return (status, output.ToString());
    }

    /// <summary>A PKCSReq as a device sent it (AES-128, as sscep does), saved the way an admin captured it.</summary>
    private async Task<(FileInfo File, string TransactionId)> CaptureAsync(string format)
    {
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(factory.CreateClient());
        Assert.True(File.Exists(RaEncryptionKey));
        using var device = new Device(0);
        string transactionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        byte[] message = PkiRequest.Write(
            MessageType.PkcsReq,
            transactionId,
            RandomNumberGenerator.GetBytes(16),
            device.Csr(Subject, Challenge),
            [ca.RaEncryption],
            ContentEncryptionAlgorithm.Aes128Cbc,
            new CmsSigner(device.SelfSigned, device.Key, HashAlgorithmName.SHA256),
            DateTimeOffset.UtcNow);
        string path = Path.Combine(_directory.Path, $"captured.{format}");
        switch (format)
        {
            case "der":
                await File.WriteAllBytesAsync(path, message);
                break;
            case "base64":
                await File.WriteAllTextAsync(path, Convert.ToBase64String(message, Base64FormattingOptions.InsertLineBreaks) + "\n");
                break;
            default:
                await File.WriteAllTextAsync(path, MessageEncoding.EncodeQueryValue(message));
                break;
        }

        return (new FileInfo(path), transactionId);
    }
}
