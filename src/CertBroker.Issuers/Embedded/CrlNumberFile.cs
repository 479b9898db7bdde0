using System.Globalization;
using System.Numerics;
using System.Text;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The last CRL number used (RFC 5280 §5.2.3), kept in a file as decimal text so CRL numbers keep increasing across
/// restarts. One process owns the file; several broker nodes sharing one CA need a shared counter instead.
/// </summary>
public sealed class CrlNumberFile
{
    /// <summary>File name under <c>&lt;DataDir&gt;/ca/</c>.</summary>
    public const string FileName = "crl-number";

    private readonly SemaphoreSlim gate = new(1, 1);
    private BigInteger last;

    public CrlNumberFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    /// <summary>Reserves and persists the next CRL number; the first one is 1.</summary>
    public async Task<BigInteger> NextAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await ReadAsync(cancellationToken).ConfigureAwait(false);

            // Never step back, even if the file was removed or restored from an old backup while running.
            var next = BigInteger.Max(stored, last) + 1;
            KeyFiles.CreatePrivateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var text = Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture) + "\n");
            await KeyFiles.WriteAtomicallyAsync(Path, text, KeyFiles.PublicFileMode, cancellationToken).ConfigureAwait(false);
            last = next;
            return next;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<BigInteger> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return BigInteger.Zero;
        }

        var text = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        if (!BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidDataException($"The CRL number file '{Path}' does not hold a decimal number.");
        }

        return value;
    }
}
