using System.Buffers;
using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace CertBroker.Storage.Copy;

/// <summary>
/// SHA-256 over a table's rows in primary-key order, each value rendered the same way whichever database it came
/// from: a tag (null, integer, text, blob, real), then the value (integers as 8 bytes big-endian, text as its UTF-8
/// bytes, both text and blobs after their length). SQLite and PostgreSQL hand back the same .NET types for the
/// store's columns (long, string, byte[]), so equal tables give equal checksums and any changed value, missing row or
/// different order does not. Computed here, in C#, for both sides, so it is the same function on both.
/// </summary>
internal sealed class TableChecksum : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _row = new(4096);

    public long Rows { get; private set; }

    /// <summary>Reads every row of <paramref name="reader"/>, which returns the columns in the same order on both sides.</summary>
    public static async Task<(long Rows, string Checksum)> ComputeAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        using var checksum = new TableChecksum();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checksum.Add(reader);
        }

        return (checksum.Rows, checksum.Finish());
    }

    public void Add(DbDataReader reader)
    {
        _row.ResetWrittenCount();
        for (int i = 0; i < reader.FieldCount; i++)
        {
            Write(reader.IsDBNull(i) ? null : reader.GetValue(i));
        }

        _hash.AppendData(_row.WrittenSpan);
        Rows++;
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void Write(object? value)
    {
        switch (value)
        {
            case null:
                Tag(0);
                break;
            case long or int or short or bool:
                Tag(1);
                BinaryPrimitives.WriteInt64BigEndian(_row.GetSpan(8), value is bool b ? (b ? 1 : 0) : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                _row.Advance(8);
                break;
            case string text:
                Tag(2);
                Length(Encoding.UTF8.GetByteCount(text));
                _row.Advance(Encoding.UTF8.GetBytes(text, _row.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
                break;
            case byte[] blob:
                Tag(3);
                Length(blob.Length);
                _row.Write(blob);
                break;
            case double real:
                Tag(4);
                BinaryPrimitives.WriteDoubleBigEndian(_row.GetSpan(8), real);
                _row.Advance(8);
                break;
            default:
                throw new InvalidOperationException($"No canonical rendering for a value of type {value.GetType().Name}.");
        }
    }

    private void Tag(byte tag)
    {
        _row.GetSpan(1)[0] = tag;
        _row.Advance(1);
    }

    private void Length(int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row.GetSpan(4), length);
        _row.Advance(4);
    }
}
