using System.Globalization;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The last CRL number (RFC 5280 §5.2.3) as versions before the shared <c>ICrlStore</c> kept it, in a file as decimal
/// text. Only read now: the first number the store hands out is above it, so an upgraded installation never steps back.
/// </summary>
public sealed class CrlNumberFile
{
    /// <summary>File name under <c>&lt;DataDir&gt;/ca/</c>.</summary>
    public const string FileName = "crl-number";

    public CrlNumberFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    /// <summary>The number in the file, or 0 when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file holds no decimal number that fits 63 bits.</exception>
    public async Task<long> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return 0;
        }

        var text = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidDataException($"The CRL number file '{Path}' does not hold a decimal number below 2^63.");
        }

        return value;
    }
}
